// Shows downloads while a source resolves: a listr2 task with a live "bytes (percent)" line per
// file on a terminal, and one plain line per finished file otherwise (no progress spam in logs).
import type { ProgressEvent } from "../sources/types.js";

/** Runs `work` with a progress callback shown on `stream`; returns what `work` returns. */
export async function withDownloadProgress<T>(
  title: string,
  stream: NodeJS.WriteStream,
  work: (onProgress: (event: ProgressEvent) => void) => Promise<T>,
): Promise<T> {
  if (!stream.isTTY) return work(plainReporter(stream));
  const { Listr, ListrLogger, ProcessOutput } = await import("listr2");
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
  let result: T | undefined;
  await new Listr(
    [
      {
        title,
        task: async (_ctx, task) => {
          let shown = 0;
          result = await work((event) => {
            const now = Date.now();
            if (now - shown < 100 && event.receivedBytes !== event.totalBytes) return;
            shown = now;
            task.output = describe(event);
          });
        },
        rendererOptions: { outputBar: 1, persistentOutput: false },
      },
    ],
    {
      registerSignalListeners: false,
      exitOnError: true,
      rendererOptions: { logger, showErrorMessage: false },
    },
  ).run();
  return result as T;
}

/** One line per file, printed when it is complete. */
function plainReporter(stream: NodeJS.WriteStream): (event: ProgressEvent) => void {
  const done = new Set<string>();
  return (event) => {
    if (
      event.totalBytes === null ||
      event.receivedBytes < event.totalBytes ||
      done.has(event.label)
    )
      return;
    done.add(event.label);
    stream.write(`Downloaded ${event.label} (${formatBytes(event.totalBytes)})\n`);
  };
}

/** "12.3 MB / 62.6 MB (19%)", or just the bytes when the size is unknown. */
export function describe(event: ProgressEvent): string {
  const got = formatBytes(event.receivedBytes);
  if (event.totalBytes === null || event.totalBytes === 0) return `${event.label}: ${got}`;
  const percent = Math.floor((100 * event.receivedBytes) / event.totalBytes);
  return `${event.label}: ${got} / ${formatBytes(event.totalBytes)} (${percent}%)`;
}

/** Human-readable byte counts in decimal units, as download tools print them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
