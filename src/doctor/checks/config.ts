// The config, when one is found: valid, and what `qus plan` would change. Read-only: only a
// local source is planned here (download sources may fetch and write their lock file), the hash
// cache is not saved, and an automount that has not fired is left alone. Planning with binfmt_misc
// unmounted reads nothing there: the plan then says apply will mount it.
import type { CommandIO } from "../../cli/io.js";
import type { QusConfig } from "../../config/types.js";
import { ConfigError, ConfigNotFoundError, QusError } from "../../errors.js";
import { error, ok, warning, type Finding } from "../finding.js";
import { BINFMT_DIR } from "../probe.js";

/** The config doctor found (null without one) and its finding. */
export interface ConfigCheck {
  readonly config: QusConfig | null;
  readonly findings: Finding[];
}

const SUBJECT = "config";

/** Loads the config (the one given with -c, or found in the working directory). */
export async function checkConfig(
  configPath: string | undefined,
  io: CommandIO,
): Promise<ConfigCheck> {
  const { loadCommandConfig } = await import("../../commands/pipeline.js");
  try {
    const config = await loadCommandConfig(configPath, io);
    const where = config.file ?? "the embedded default";
    const targets = config.targets.map((t) => t.target).join(", ") || "no targets";
    return {
      config,
      findings: [ok("config.valid", SUBJECT, `${where} is valid (${targets})`)],
    };
  } catch (problem) {
    if (problem instanceof ConfigNotFoundError && configPath === undefined) {
      return {
        config: null,
        findings: [
          ok("config.none", SUBJECT, `no config file in ${io.cwd}: doctor checked the host only`),
        ],
      };
    }
    if (problem instanceof ConfigError) {
      return {
        config: null,
        findings: [
          error(
            "config.invalid",
            SUBJECT,
            problem.message.replaceAll("\n", " "),
            problem.hint ??
              (problem.problems.length > 0
                ? `qus validate${configPath === undefined ? "" : ` -c ${configPath}`} shows each problem and where it is`
                : "check the file (qus init writes a commented starter config)"),
          ),
        ],
      };
    }
    throw problem;
  }
}

/** What `qus plan` would change; not computed for download sources or an automount not fired yet. */
export async function checkPlan(
  config: QusConfig,
  io: CommandIO,
  automountPending: boolean,
): Promise<Finding> {
  const subject = "plan";
  if (config.source.type !== "local") {
    return ok(
      "plan.not-computed",
      subject,
      `not computed: the ${config.source.type} source may download emulators (qus plan shows it)`,
    );
  }
  if (automountPending && config.binfmtDir === BINFMT_DIR) {
    return ok(
      "plan.not-computed",
      subject,
      "not computed: reading binfmt_misc would fire its automount (qus plan shows it)",
    );
  }
  const { planConfig } = await import("../../commands/pipeline.js");
  try {
    const { plan } = await planConfig(config, io, { destroy: false, readOnly: true });
    const { add, change, destroy } = plan.summary;
    if (add + change + destroy === 0)
      return ok("plan.no-changes", subject, "binfmt_misc matches the config");
    return warning(
      "plan.changes",
      subject,
      `binfmt_misc differs from the config: qus plan shows ${add} to add, ${change} to change, ${destroy} to destroy`,
      "qus plan to review, then qus apply",
    );
  } catch (problem) {
    if (!(problem instanceof QusError)) throw problem;
    return error(
      "plan.fails",
      subject,
      problem.message.replaceAll("\n", " "),
      problem.hint ?? "qus plan shows the same error",
    );
  }
}
