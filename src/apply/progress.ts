// Shows apply's progress with listr2 on stderr (stdout carries the plan and the result), with
// listr2's own signal handling off: qus stops between steps itself and reports what it did.
import { Listr, ListrLogger, ProcessOutput } from "listr2";
import type { GroupRunner } from "./execute.js";

/** A runner that shows one listr2 task per change; plain lines when stderr is not a TTY. */
export function listrRunner(stream: NodeJS.WriteStream = process.stderr, color = false): GroupRunner {
  return async (groups) => {
    if (groups.length === 0) return;
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
        rendererOptions: { logger, formatOutput: "wrap", collapseErrors: false, showErrorMessage: false },
        fallbackRenderer: "simple",
        fallbackRendererOptions: { logger },
        fallbackRendererCondition: !stream.isTTY,
      },
    );
    await list.run();
  };
}
