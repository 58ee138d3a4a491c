// `qus doctor`: explains the host before anything fails. Read-only: it mounts nothing, registers
// nothing and writes no file; the one experiment (a throwaway user namespace) leaves no trace.
import type { CliArgs } from "../cli/args.js";
import { styleFor, type CommandIO } from "../cli/io.js";
import { diagnose } from "../doctor/doctor.js";
import { exitCodeFor } from "../doctor/finding.js";
import { hostProbe } from "../doctor/host-probe.js";
import { doctorDocument, renderDoctor } from "../views/doctor.js";
import { printJson } from "./show-plan.js";

/** Runs doctor; exit 1 when a finding is an error, else 0. */
export async function doctorCommand(
  args: Extract<CliArgs, { command: "doctor" }>,
  io: CommandIO,
): Promise<number> {
  const findings = await diagnose(hostProbe(io.env), io, args.configPath);
  const doc = doctorDocument(findings);
  if (args.json) printJson(doc, io);
  else io.stdout.write(renderDoctor(doc, styleFor(io.stdout, io.env, args.color)));
  return exitCodeFor(findings);
}
