// Source tests resolve as apply does: the resolution, then its lock written, so that a second
// resolution in the same test starts from the lock the first one recorded. Sources themselves
// never write the lock (a plan must change nothing); apply persists it after it succeeded.
import { writeLockFile } from "../../src/sources/lock.js";
import type { EmulatorSource, ResolvedEmulator, SourceContext } from "../../src/sources/types.js";

/** A source whose resolve returns the emulators and writes the lock, as a successful apply would. */
export interface PersistingSource {
  resolve(emulators: readonly string[], context: SourceContext): Promise<ResolvedEmulator[]>;
}

/** Wraps a source so that each resolution persists its lock to context.lockFile. */
export function persistingSource(source: EmulatorSource): PersistingSource {
  return {
    async resolve(emulators, context) {
      const resolution = await source.resolve(emulators, context);
      if (resolution.lock !== null) await writeLockFile(context.lockFile, resolution.lock);
      return resolution.emulators;
    },
  };
}
