// `qus verify`: proves emulation works instead of trusting that a registration exists, by
// executing a tiny program of each enabled target through the kernel. Exit 1 names what broke.
import type { ApplyVerifyArgs, CliArgs, CommonArgs } from "../cli/args.js";
import { styleFor, writeLine, type CommandIO } from "../cli/io.js";
import type { QusConfig } from "../config/types.js";
import { readBinfmt } from "../kernel/binfmt.js";
import { planChecks } from "../verify/checks.js";
import {
  projectVerify,
  renderVerify,
  withRenderedVerify,
  type VerifyDocument,
} from "../verify/report.js";
import { runChecks } from "../verify/verify.js";
import { currentHost, loadCommandConfig } from "./pipeline.js";
import { printJson } from "./show-plan.js";

/** Runs verify; 0 when every target passed, 1 when any failed. */
export async function verifyCommand(
  args: Extract<CliArgs, { command: "verify" }>,
  io: CommandIO,
): Promise<number> {
  const config = await loadCommandConfig(args.configPath, io);
  const doc = await verifyConfig(config, io, args.probes);
  if (args.json) printJson(withRenderedVerify(doc), io);
  else writeLine(io.stdout, renderVerify(doc, styleFor(io.stdout, io.env, args.color)));
  return reportFailures(doc, io) ? 0 : 1;
}

/** Verifies every enabled target the config registers on this host, with the probes if asked. */
export async function verifyConfig(
  config: QusConfig,
  io: CommandIO,
  probes = false,
): Promise<VerifyDocument> {
  const host = currentHost(io.env, config);
  const kernel = await readBinfmt(config.binfmtDir);
  const checks = planChecks(config, host, { binfmtDir: config.binfmtDir, ...kernel });
  return projectVerify(await runChecks(checks, { env: io.env, probes }), host, { probes });
}

/** For `apply --verify`: the report as text (on stderr when stdout carries JSON); false when anything failed. */
export async function verifyAfterApply(
  config: QusConfig,
  io: CommandIO,
  args: CommonArgs & ApplyVerifyArgs,
): Promise<boolean> {
  const doc = await verifyConfig(config, io, args.probes === true);
  const stream = args.json ? io.stderr : io.stdout;
  writeLine(stream, `\n${renderVerify(doc, styleFor(stream, io.env, args.color))}`);
  return reportFailures(doc, io);
}

/** Writes the error lines naming every failed target and error-level probe; true when none. */
function reportFailures(doc: VerifyDocument, io: CommandIO): boolean {
  const probeErrors = (doc.probes?.findings ?? []).filter((f) => f.severity === "error");
  if (doc.failed.length > 0) {
    const named = doc.results.filter((r) => !r.ok).map((r) => `${r.name} (${r.target})`);
    io.stderr.write(`Error: verification failed for ${named.join(", ")}\n`);
  }
  if (probeErrors.length > 0) {
    const named = probeErrors.map((f) => `${f.name} (${f.target}): ${f.syscall} ${f.outcome}`);
    io.stderr.write(`Error: guest-compatibility probes failed: ${named.join(", ")}\n`);
  }
  return doc.failed.length === 0 && probeErrors.length === 0;
}
