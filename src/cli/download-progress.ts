// Shows what a source does while it resolves: each download (bytes, percent, speed, time left),
// signature check and extraction (bytes read, never a percentage: it stops once the wanted files
// are out). On a terminal, one listr2 task whose output lists the finished steps and the steps
// under way; without one (CI logs, Ansible), one plain line per finished step.
import type { PhaseEvent, ProgressEvent } from "../sources/types.js";
import { PhaseLog } from "./phase-log.js";

/** The callbacks a source reports its steps to. */
export interface ProgressSinks {
  readonly onProgress: (event: ProgressEvent) => void;
  readonly onPhase: (event: PhaseEvent) => void;
}

/** Smallest gap between two repaints of a download's live line on a terminal. */
const REPAINT_INTERVAL_MS = 100;

/** Runs `work` with progress callbacks shown on `stream`; returns what `work` returns. */
export async function withDownloadProgress<T>(
  title: string,
  stream: NodeJS.WriteStream,
  work: (sinks: ProgressSinks) => Promise<T>,
): Promise<T> {
  const log = new PhaseLog();
  if (!stream.isTTY) return work(plainSinks(log, stream));
  const { Listr, ListrLogger, ProcessOutput } = await import("listr2");
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
  let result: T | undefined;
  await new Listr(
    [
      {
        title,
        task: async (_ctx, task) => {
          let shown = 0;
          const show = (now: number, force: boolean): void => {
            if (!force && now - shown < REPAINT_INTERVAL_MS) return;
            shown = now;
            task.output = log.lines(now).join("\n");
          };
          result = await work({
            onProgress: (event) => {
              const now = Date.now();
              show(now, log.download(event, now) !== null);
            },
            // A step that starts or ends is shown at once: the display never lags a phase behind.
            onPhase: (event) => {
              const now = Date.now();
              log.phase(event, now);
              show(now, event.state !== "progress");
            },
          });
          show(Date.now(), true);
        },
        rendererOptions: { outputBar: 1, persistentOutput: true },
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

/** One line per finished step, written when it finishes (no progress spam in logs). */
function plainSinks(log: PhaseLog, stream: NodeJS.WriteStream): ProgressSinks {
  const write = (line: string | null): void => {
    if (line !== null) stream.write(`${line}\n`);
  };
  return {
    onProgress: (event) => write(log.download(event, Date.now())),
    onPhase: (event) => write(log.phase(event, Date.now())),
  };
}
