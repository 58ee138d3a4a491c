// Decides, without touching anything, how each target of the config will be verified: run a
// generated test program through the kernel, ask the emulator for --version, or report at once
// that the registration is missing or disabled. Pure: the kernel state is passed in.
import type { HostCpu } from "../catalog/host.js";
import type { QusConfig } from "../config/types.js";
import { skipReason } from "../plan/desired.js";
import type { LiveEntry } from "../plan/types.js";
import { TEST_PROGRAM_TARGETS } from "./test-programs.js";

/** One verification to carry out, for one owned, enabled target. */
export type VerifyCheck =
  | { readonly name: string; readonly target: string; readonly method: "program" }
  | {
      readonly name: string;
      readonly target: string;
      readonly method: "version";
      readonly interpreter: string;
    }
  | {
      readonly name: string;
      readonly target: string;
      readonly method: "none";
      readonly problem: string;
    };

/** What the kernel shows, as far as verification cares. */
export interface KernelView {
  readonly binfmtDir: string;
  readonly mounted: boolean;
  readonly enabledGlobally: boolean;
  readonly entries: readonly LiveEntry[];
}

/** The checks for every target the config registers on this host, in config order. */
export function planChecks(config: QusConfig, host: HostCpu, kernel: KernelView): VerifyCheck[] {
  const entries = new Map(kernel.entries.map((e) => [e.name, e]));
  const programs = new Set(TEST_PROGRAM_TARGETS);
  const checks: VerifyCheck[] = [];
  for (const request of config.targets) {
    if (!request.enabled || skipReason(request, host) !== null) continue;
    const name = config.prefix + request.target;
    const target = request.target;
    const problem = registrationProblem(name, entries.get(name), kernel);
    if (problem !== null) checks.push({ name, target, method: "none", problem });
    else if (programs.has(target)) checks.push({ name, target, method: "program" });
    else
      checks.push({ name, target, method: "version", interpreter: entries.get(name)!.interpreter });
  }
  return checks;
}

function registrationProblem(
  name: string,
  entry: LiveEntry | undefined,
  kernel: KernelView,
): string | null {
  if (!kernel.mounted) return `binfmt_misc is not mounted at ${kernel.binfmtDir} (run qus apply)`;
  if (!kernel.enabledGlobally)
    return `binfmt_misc is disabled as a whole (${kernel.binfmtDir}/status)`;
  if (entry === undefined) return `${name} is not registered (run qus apply)`;
  if (!entry.enabled) return `${name} is registered but disabled in the kernel (run qus apply)`;
  return null;
}
