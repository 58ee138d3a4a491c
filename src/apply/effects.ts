// The side effects apply performs, behind one interface so that the executor's bookkeeping
// is separate from the kernel and file system calls it makes.
import { installFileAtomic, removeFile, writeFileAtomic } from "../files/atomic.js";
import { mountBinfmt, registerEntry, removeEntry, setEntryEnabled } from "../kernel/binfmt.js";
import { encodeRegisterLine } from "../kernel/register-line.js";
import type { RegistrationAttributes } from "../plan/types.js";

/** Kernel and file operations, one per step kind. */
export interface ApplyEffects {
  mount(dir: string): Promise<void>;
  install(from: string, to: string, sha256: string): Promise<{ sha256: string; size: number }>;
  register(dir: string, name: string, attributes: RegistrationAttributes): Promise<void>;
  unregister(dir: string, name: string): Promise<void>;
  setEnabled(dir: string, name: string, enabled: boolean): Promise<void>;
  removeFile(path: string): Promise<void>;
  /** Writes a small text file (a binfmt.d file) atomically, mode 0644. */
  writeText(path: string, content: string): Promise<void>;
}

/** The real effects: binfmt_misc writes and atomic file installs (emulators root-owned 0755). */
export const realEffects: ApplyEffects = {
  mount: (dir) => mountBinfmt(dir),
  install: (from, to, sha256) =>
    installFileAtomic({ from, to, mode: 0o755, expectedSha256: sha256 }),
  register: (dir, name, a) =>
    registerEntry(
      dir,
      encodeRegisterLine({
        name,
        offset: a.offset,
        magic: a.magic,
        mask: a.mask,
        interpreter: a.interpreter,
        flags: a.flags,
      }),
    ),
  unregister: (dir, name) => removeEntry(dir, name),
  setEnabled: (dir, name, enabled) => setEntryEnabled(dir, name, enabled),
  removeFile: async (path) => {
    await removeFile(path);
  },
  writeText: (path, content) => writeFileAtomic(path, content, 0o644),
};
