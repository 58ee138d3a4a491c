// The block search's runs: each decoder starts at a block the search chose, finds the first tar
// header there and reads on entry by entry while useful; a wanted member is kept only when its
// MD5 matches md5sums. Any doubt gives up, and the caller extracts from the start.
import { createHash } from "node:crypto";
import type { HostCpu } from "../../catalog/host.js";
import { ChunkReader } from "../archive/chunk-reader.js";
import { DecompressionError } from "../archive/decompress.js";
import { isTarHeader, readTar, TarFormatError } from "../archive/tar.js";
import type { BlobCache, CachedBlob } from "../cache.js";
import { storeEmulatorBlob } from "../store-emulator.js";
import type { BlockDecoder } from "./block-decoders.js";
import { nextStep, type SearchState, shouldReadOn, type RunPosition } from "./block-search.js";

/** The search cannot go on safely: extract from the start instead. */
class GiveUp extends Error {}

const BLOCK = 512;

function normalise(path: string): string {
  return path.replace(/^(\.?\/+)+/, "");
}

async function* md5Checked(
  body: AsyncIterable<Uint8Array>,
  expected: string,
  path: string,
): AsyncGenerator<Uint8Array> {
  const hash = createHash("md5");
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
  if (hash.digest("hex") !== expected)
    throw new GiveUp(`${path} found mid-archive does not match md5sums`);
}

// Why: every run of one extraction shares the search, what was found and the byte counts.
/** The state of one block-mode extraction. */
export interface BlockSearchContext {
  readonly search: SearchState;
  /** Emulator name -> its checked blob. */
  readonly found: Map<string, CachedBlob>;
  readonly byPath: ReadonlyMap<string, { readonly emulator: string; readonly md5: string }>;
  readonly cache: BlobCache;
  readonly host: HostCpu;
  readonly where: string;
  /** Decodes blocks `from`..the last. */
  readonly decode: BlockDecoder;
  tarBytes: number;
}

async function* countedOutput(
  context: BlockSearchContext,
  decoded: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of decoded) {
    context.tarBytes += chunk.length;
    yield chunk;
  }
}

/** One decoder: from the start of block `run.block`, to the first header, then entry by entry while useful. */
async function runDecoder(
  context: BlockSearchContext,
  run: RunPosition & { readonly stop: AbortController },
  schedule: () => void,
): Promise<void> {
  const { search } = context;
  const from = run.block;
  const base = search.starts[from] as number;
  const reader = new ChunkReader(
    countedOutput(context, context.decode(from, run.stop.signal))[Symbol.asyncIterator](),
  );
  try {
    await reader.skip((BLOCK - (base % BLOCK)) % BLOCK);
    // Find the first header: in this block, or later when a member covers all of it.
    let header: Uint8Array | null = null;
    while (header === null) {
      const block = await reader.read(BLOCK);
      if (block.length < BLOCK) return search.sawAllBefore(from, from - 1, search.starts.length); // no header left
      if (isTarHeader(block)) header = block;
    }
    reader.unread(header);
    let current = from;
    let isFirstHeader = true;
    for await (const { entry, body } of readTar(reader)) {
      const headerAt = base + reader.consumed - BLOCK;
      const block = search.blockAt(headerAt);
      const path = normalise(entry.path);
      search.sawHeader(from, current, isFirstHeader, block, path);
      isFirstHeader = false;
      current = block;
      const wanted = context.byPath.get(path);
      if (wanted !== undefined && search.pending.has(path)) {
        if (entry.type !== "file") throw new GiveUp(`${path} is a ${entry.type}`);
        search.pending.delete(path);
        search.capturing.add(path);
        const label = `Emulator /${path} from ${context.where}`;
        const blob = await storeEmulatorBlob(
          context.cache,
          md5Checked(body, wanted.md5, path),
          label,
          context.host,
        );
        search.capturing.delete(path);
        context.found.set(wanted.emulator, blob);
      }
      if (run.stop.signal.aborted) return;
      const next = search.blockAt(headerAt + BLOCK + Math.ceil(entry.size / BLOCK) * BLOCK);
      search.sawAllBefore(from, current, next);
      run.block = next;
      schedule();
      if (!shouldReadOn(search.view(), run, next)) return;
    }
    search.sawAllBefore(from, current, search.starts.length); // read to the end of the archive
  } finally {
    await reader.close();
  }
}

// Why: the entry point of the search, once the decoders and md5sums are ready.
/** Runs decoders as the search directs until every wanted path is found (the run count) or it gives up (why). */
export function searchWithDecoders(
  context: BlockSearchContext,
  slots: number,
): Promise<number | string> {
  const { search } = context;
  const stops = new Map<number, AbortController>();
  let started = 0;
  let outcome: { gaveUp?: string; error?: unknown } | null = null;
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      if (search.active.size > 0) return;
      if (outcome?.error !== undefined) reject(outcome.error);
      else resolve(outcome?.gaveUp ?? started);
    };
    const stopAll = (why: { gaveUp?: string; error?: unknown }): void => {
      outcome ??= why;
      for (const stop of stops.values()) stop.abort();
    };
    const schedule = (): void => {
      if (outcome === null && search.pending.size === 0 && search.capturing.size === 0) stopAll({});
      while (outcome === null && search.active.size < slots) {
        const step = nextStep(search.view());
        if (step.kind === "give-up") {
          stopAll({ gaveUp: step.reason });
          return;
        }
        if (step.kind === "wait") break;
        const run = {
          id: started++,
          start: step.block,
          block: step.block,
          stop: new AbortController(),
        };
        search.active.set(run.id, run);
        stops.set(run.id, run.stop);
        runDecoder(context, run, schedule)
          .catch((error: unknown) => {
            if (run.stop.signal.aborted) return; // stopped on purpose: its error is the stop
            const searchFailed =
              error instanceof GiveUp ||
              error instanceof TarFormatError ||
              error instanceof DecompressionError;
            stopAll(searchFailed ? { gaveUp: (error as Error).message } : { error });
          })
          .finally(() => {
            search.active.delete(run.id);
            stops.delete(run.id);
            schedule();
            finish();
          });
      }
      finish();
    };
    schedule();
  });
}
