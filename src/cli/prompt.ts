// Asks for approval the way Terraform does: only on a terminal, and only "yes" approves.
import { createInterface } from "node:readline/promises";
import { ApprovalError } from "../errors.js";
import type { CommandIO } from "./io.js";

/** Resolves when the user typed exactly "yes"; throws ApprovalError otherwise (Ctrl-C, Ctrl-D too) or without a TTY. */
export async function confirmApply(io: CommandIO, verb: string): Promise<void> {
  if (!io.stdin.isTTY) {
    throw new ApprovalError(`qus ${verb} needs approval, and there is no terminal to ask on`, {
      hint: `run "qus ${verb} --auto-approve" (or save a plan and review it first)`,
    });
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    io.stderr.write(
      `\nDo you want to perform these actions?\n  qus will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n`,
    );
    // Ctrl-C and Ctrl-D reject the question (AbortError): a refusal like any other answer.
    const answer = await rl.question("  Enter a value: ").catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== "ABORT_ERR") throw error;
      io.stderr.write("\n");
      return null;
    });
    if (answer === null || answer.trim() !== "yes")
      throw new ApprovalError(`${verb === "destroy" ? "Destroy" : "Apply"} cancelled.`);
  } finally {
    rl.close();
  }
}
