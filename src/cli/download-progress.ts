// Shows downloads while a source resolves: a listr2 task with a live "bytes (percent), speed, time
// left" line per file on a terminal, and one plain line per finished file otherwise (no progress
// spam in logs).
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
          const started = startTimes();
          result = await work((event) => {
            const now = Date.now();
            const since = started(event.label, now);
            if (now - shown < 100 && event.receivedBytes !== event.totalBytes) return;
            shown = now;
            task.output = describe(event, now - since);
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
  const started = startTimes();
  return (event) => {
    const now = Date.now();
    const since = started(event.label, now);
    if (
      event.totalBytes === null ||
      event.receivedBytes < event.totalBytes ||
      done.has(event.label)
    )
      return;
    done.add(event.label);
    const seconds = (now - since) / 1000;
    const rate = seconds > 0 ? `, ${formatBytes(event.totalBytes / seconds)}/s` : "";
    stream.write(
      `Downloaded ${event.label} (${formatBytes(event.totalBytes)} in ${seconds.toFixed(1)} s${rate})\n`,
    );
  };
}

/** When each label was first seen (downloads run in parallel, each with its own clock). */
function startTimes(): (label: string, now: number) => number {
  const first = new Map<string, number>();
  return (label, now) => {
    const known = first.get(label);
    if (known !== undefined) return known;
    first.set(label, now);
    return now;
  };
}

/**
 * "x.deb: 12.3 MB / 62.6 MB (19%), 8.1 MB/s, 6 s left", or just the bytes when the size is
 * unknown; speed and time left once some time has passed.
 */
export function describe(event: ProgressEvent, elapsedMs = 0): string {
  const got = formatBytes(event.receivedBytes);
  const rate = elapsedMs >= 250 ? (1000 * event.receivedBytes) / elapsedMs : 0;
  const speed = rate > 0 ? `, ${formatBytes(rate)}/s` : "";
  if (event.totalBytes === null || event.totalBytes === 0) return `${event.label}: ${got}${speed}`;
  const percent = Math.floor((100 * event.receivedBytes) / event.totalBytes);
  const left =
    rate > 0 && event.receivedBytes < event.totalBytes
      ? `, ${Math.ceil((event.totalBytes - event.receivedBytes) / rate)} s left`
      : "";
  return `${event.label}: ${got} / ${formatBytes(event.totalBytes)} (${percent}%)${speed}${left}`;
}

/** Human-readable byte counts in decimal units, as download tools print them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
