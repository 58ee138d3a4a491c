// `qus status`: what binfmt_misc holds now and which entries qus owns. Without a config file
// it uses the defaults, so it also answers on a host qus has not configured yet.
import type { CliArgs } from "../cli/args.js";
import { styleFor, writeLine, type CommandIO } from "../cli/io.js";
import { CONFIG_DEFAULTS } from "../config/types.js";
import { readBinfmt } from "../kernel/binfmt.js";
import { readState } from "../state/state-file.js";
import { projectStatus, renderStatus, withRenderedStatus } from "../views/status.js";
import { loadCommandConfig } from "./pipeline.js";
import { printJson } from "./show-plan.js";
import { ConfigNotFoundError } from "../errors.js";
import { interpreterVersions } from "../currency/emulator-version.js";

/** Runs status; exit code 0 unless something could not be read. */
export async function statusCommand(
  args: Extract<CliArgs, { command: "status" }>,
  io: CommandIO,
): Promise<number> {
  const settings = await statusSettings(args, io);
  const [kernel, state] = await Promise.all([
    readBinfmt(settings.binfmtDir),
    readState(settings.stateFile),
  ]);
  const qemuVersions = await interpreterVersions(kernel.mounted ? kernel.entries : []);
  const doc = projectStatus({
    binfmtDir: settings.binfmtDir,
    prefix: settings.prefix,
    state,
    qemuVersions,
    ...kernel,
  });
  if (args.json) printJson(withRenderedStatus(doc), io);
  else writeLine(io.stdout, renderStatus(doc, styleFor(io.stdout, io.env, args.color)));
  return 0;
}

async function statusSettings(args: Extract<CliArgs, { command: "status" }>, io: CommandIO) {
  try {
    return await loadCommandConfig(args.configPath, io);
  } catch (error) {
    if (error instanceof ConfigNotFoundError && args.configPath === undefined) {
      return {
        binfmtDir: CONFIG_DEFAULTS.binfmtDir,
        prefix: CONFIG_DEFAULTS.prefix,
        stateFile: CONFIG_DEFAULTS.stateFile,
      };
    }
    throw error;
  }
}
