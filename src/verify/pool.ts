// A bounded number of tasks at a time, results in the input's order: verification spawns an
// emulator per program, and a few at once is fast without swamping a small machine.

// Why: verify's checks and its probes share the same bounded parallelism.
/** Maps `items` through `task`, at most `limit` at once; the results keep the items' order. */
export async function mapInPool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
