// Runs every check in the order the checklist shows them: kernel, the binfmt_misc mount,
// privilege, each registered entry, the next boot, the environment, the config. Reads only.
import type { CommandIO } from "../cli/io.js";
import { CONFIG_DEFAULTS, type QusConfig } from "../config/types.js";
import { QusError } from "../errors.js";
import { EMPTY_STATE, parseStateText } from "../state/state-file.js";
import type { StateRecord } from "../plan/types.js";
import { usernsBlock } from "./conditions.js";
import { checkConfig, checkPlan } from "./checks/config.js";
import { checkEntry } from "./checks/entries.js";
import { checkEnvironment, readEnvironmentFacts } from "./checks/environment.js";
import { checkKernel, kernelRelease, privateInstanceFinding } from "./checks/kernel.js";
import { checkMount } from "./checks/mount.js";
import { checkApplyPrivilege, checkRunPrivilege } from "./checks/privilege.js";
import { checkReboot, readBootFacts } from "./checks/reboot.js";
import { interpreterFacts, readBinfmtContents } from "./entry-facts.js";
import {
  binfmtMountState,
  hasCapSysAdmin,
  inInitialUserNamespace,
  procSysReadOnly,
  readMounts,
  readUsernsSettings,
} from "./facts.js";
import { warning, type Finding } from "./finding.js";
import { BINFMT_DIR, type HostProbe } from "./probe.js";

/** Where the throwaway instance is mounted when the standard place is an automount not yet fired. */
const TRIAL_MOUNT_POINT_BESIDE_AUTOMOUNT = "/tmp";

/** Every finding about this host (and the config, when one is found). */
export async function diagnose(
  probe: HostProbe,
  io: CommandIO,
  configPath: string | undefined,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const release = await kernelRelease(probe);
  findings.push(...(await checkKernel(probe)));

  const mounts = await readMounts(probe);
  const state = binfmtMountState(mounts);
  const capSysAdmin = await hasCapSysAdmin(probe);
  const contents =
    state.kind === "mounted"
      ? await readBinfmtContents(probe)
      : { enabledGlobally: null, entries: [], unreadable: [] };

  const block = usernsBlock(await readUsernsSettings(probe), probe.uid);
  const trial =
    block === null
      ? await probe.tryPrivateInstance(
          state.kind === "automount" ? TRIAL_MOUNT_POINT_BESIDE_AUTOMOUNT : BINFMT_DIR,
        )
      : null;
  const proved = trial === null ? null : privateInstanceFinding(trial, release);
  if (proved !== null) findings.push(proved);

  findings.push(
    ...checkMount({
      state,
      uid: probe.uid,
      capSysAdmin,
      procSysReadOnly: procSysReadOnly(mounts),
      enabledGlobally: contents.enabledGlobally,
    }),
    checkApplyPrivilege(probe.uid, capSysAdmin),
    checkRunPrivilege(probe.uid, block, trial, release),
  );

  const configCheck = await checkConfig(configPath, io);
  const qusState = await readQusState(probe, configCheck.config, findings);
  const owned = new Set(Object.keys(qusState.registrations));
  const hostHead = await probe.readHead("/proc/self/exe", 256);
  findings.push(...contents.unreadable);
  for (const entry of contents.entries) {
    const interpreter = await interpreterFacts(probe, entry.interpreter);
    findings.push(
      ...checkEntry({ entry, ownedByQus: owned.has(entry.name), interpreter }, hostHead),
    );
  }

  const environment = await readEnvironmentFacts(
    probe,
    await inInitialUserNamespace(probe),
    contents.entries.map((e) => e.name),
  );
  // A container's own boot files never run at the host's boot, and a user namespace's instance
  // does not outlive it: the reboot checks only make sense on the host itself.
  if (environment.initialUserNamespace && environment.container === null) {
    const wanted = new Set(
      (configCheck.config?.targets ?? []).map((t) => `${configCheck.config?.prefix}${t.target}`),
    );
    const ownFiles = new Set(Object.keys(qusState.binfmtd ?? {}));
    findings.push(...checkReboot(await readBootFacts(probe), { owned, ownFiles, wanted }));
  }
  findings.push(...checkEnvironment(environment));

  findings.push(...configCheck.findings);
  if (configCheck.config !== null)
    findings.push(await checkPlan(configCheck.config, io, state.kind === "automount"));
  return findings;
}

/** qus's state file (the config's, else the default); a corrupt one is a finding, not a crash. */
async function readQusState(
  probe: HostProbe,
  config: QusConfig | null,
  findings: Finding[],
): Promise<StateRecord> {
  const path = config?.stateFile ?? CONFIG_DEFAULTS.stateFile;
  const text = await probe.readText(path);
  if (text === null) return EMPTY_STATE;
  try {
    return parseStateText(text, path);
  } catch (problem) {
    if (!(problem instanceof QusError)) throw problem;
    findings.push(warning("state.unreadable", "state file", problem.message, problem.hint ?? null));
    return EMPTY_STATE;
  }
}
