// Orders a plan's changes into the kernel and file operations apply performs. The order keeps
// every owned target registered as long as possible: a replaced entry is removed immediately
// before it is registered again, and files are removed only after nothing points at them.
import type { Change, RegistrationAttributes } from "./types.js";

/** One operation apply performs; each belongs to the change it implements. */
export type Step =
  | { readonly op: "mount"; readonly dir: string }
  | {
      readonly op: "install";
      readonly path: string;
      readonly from: string;
      readonly sha256: string;
    }
  | { readonly op: "unregister"; readonly name: string }
  | {
      readonly op: "register";
      readonly name: string;
      readonly attributes: RegistrationAttributes;
      readonly emulatorSha256: string | null;
    }
  | { readonly op: "set-enabled"; readonly name: string; readonly enabled: boolean }
  | { readonly op: "remove-file"; readonly path: string }
  | { readonly op: "write-binfmtd"; readonly path: string; readonly content: string }
  | { readonly op: "remove-binfmtd"; readonly path: string };

/** A change and the steps that carry it out, in execution order. */
export interface StepGroup {
  readonly change: Change;
  readonly steps: readonly Step[];
}

/**
 * Execution order: mount, new emulators, registrations (replace = remove then register), binfmt.d
 * files (written once their emulator is in place), then removals: binfmt.d files first (so a boot
 * never names a removed emulator), entries, and last the emulator files nothing points at.
 */
export function orderSteps(changes: readonly Change[]): StepGroup[] {
  const rank = (c: Change): number => {
    if (c.kind === "mount") return 0;
    if (c.kind === "emulator") return c.action === "delete" ? 6 : 1;
    if (c.kind === "binfmtd") return c.action === "delete" ? 4 : 3;
    return c.action === "delete" ? 5 : 2;
  };
  return [...changes]
    .map((change, index) => ({ change, index }))
    .sort((a, b) => rank(a.change) - rank(b.change) || a.index - b.index)
    .map(({ change }) => ({ change, steps: stepsFor(change) }));
}

function stepsFor(change: Change): Step[] {
  switch (change.kind) {
    case "mount":
      return [{ op: "mount", dir: change.address }];
    case "emulator":
      if (change.action === "delete") return [{ op: "remove-file", path: change.address }];
      if (!change.fetch || !change.after?.sha256)
        throw new Error(`internal: emulator change ${change.address} has no content`);
      return [
        {
          op: "install",
          path: change.address,
          from: change.fetch.path,
          sha256: change.after.sha256,
        },
      ];
    case "binfmtd":
      if (change.action === "delete") return [{ op: "remove-binfmtd", path: change.address }];
      if (change.after === null)
        throw new Error(`internal: binfmt.d change ${change.address} has no content`);
      return [{ op: "write-binfmtd", path: change.address, content: change.after.content }];
    case "registration": {
      const { address: name, action, after } = change;
      if (action === "delete") return [{ op: "unregister", name }];
      if (after === null)
        throw new Error(`internal: registration change ${name} has no target state`);
      if (action === "update") return [{ op: "set-enabled", name, enabled: after.enabled }];
      const steps: Step[] = action === "replace" ? [{ op: "unregister", name }] : [];
      steps.push({
        op: "register",
        name,
        attributes: after,
        emulatorSha256: change.interpreterSha256 ?? null,
      });
      if (!after.enabled) steps.push({ op: "set-enabled", name, enabled: false });
      return steps;
    }
  }
}
