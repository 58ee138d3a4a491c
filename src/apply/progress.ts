// Shows apply's progress on stderr (stdout carries the plan and the result): listr2 on a terminal,
// with its own signal handling off (qus stops between steps itself and reports what it did); and
// without one (Ansible, cloud-init, CI logs), the same lines listr2's simple renderer writes,
// without loading listr2 at all.
import type { GroupRunner } from "./execute.js";

/** A runner that shows one line or listr2 task per change. */
export function progressRunner(
  stream: NodeJS.WriteStream = process.stderr,
  color = false,
): GroupRunner {
  return stream.isTTY ? listrRunner(stream, color) : plainRunner(stream);
}

/** One "[STARTED]" and one "[COMPLETED]" (or "[FAILED]") line per change; the error itself is reported once, by the caller. */
export function plainRunner(stream: NodeJS.WritableStream): GroupRunner {
  return async (groups) => {
    for (const group of groups) {
      stream.write(`[STARTED] ${group.title}\n`);
      try {
        await group.run();
      } catch (error) {
        stream.write(`[FAILED] ${group.title}\n`);
        throw error;
      }
      stream.write(`[COMPLETED] ${group.title}\n`);
    }
  };
}

function listrRunner(stream: NodeJS.WriteStream, color: boolean): GroupRunner {
  return async (groups) => {
    if (groups.length === 0) return;
    const { Listr, ListrLogger, ProcessOutput } = await import("listr2");
    const processOutput = new ProcessOutput(stream, stream);
    const logger = new ListrLogger({ processOutput, useIcons: color });
    const list = new Listr(
      groups.map((g) => ({ title: g.title, task: g.run })),
      {
        concurrent: false,
        exitOnError: true,
        registerSignalListeners: false,
        collectErrors: false,
        renderer: "default",
        rendererOptions: {
          logger,
          formatOutput: "wrap",
          collapseErrors: false,
          showErrorMessage: false,
        },
      },
    );
    await list.run();
  };
}
