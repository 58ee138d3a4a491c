// The contract every emulator source (local directory, Debian, Fedora) fulfils: turn a list
// of wanted emulator programs into verified files on disk, so the planner and apply only
// ever deal with files and their SHA-256.
import type { HostCpu } from "../catalog/host.js";
import type { FileHasher } from "../files/hash-cache.js";
import type { SourceLock } from "./lock.js";

/** A verified emulator file ready to be installed. */
export interface ResolvedEmulator {
  /** Emulator program name, e.g. qemu-aarch64. */
  readonly emulator: string;
  /** A readable file holding exactly these bytes (the source's own file or a cache blob). */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  /** Where it came from, for the plan: e.g. `qemu-user-static 1:7.2+dfsg-7+deb12u18+b3 (debian bookworm)`. */
  readonly description: string;
  /** The upstream QEMU version the file reports (e.g. "11.1.3"), when known. */
  readonly qemuVersion?: string;
}

/** Download progress, reported per file; totalBytes is null when the server does not say. */
export interface ProgressEvent {
  readonly label: string;
  readonly receivedBytes: number;
  readonly totalBytes: number | null;
}

/**
 * A step of a cold resolution besides downloads, for the progress display: a signature check, the
 * search of a package index or an extraction. "start" and "done" once each; "progress" with the
 * bytes read so far.
 */
export interface PhaseEvent {
  readonly phase: "verify" | "index" | "extract";
  /** What the step works on, e.g. "bookworm InRelease" or a package file name. */
  readonly label: string;
  readonly state: "start" | "progress" | "done";
  /** Compressed bytes read so far (an extraction stops once the wanted files are out). */
  readonly doneBytes?: number;
  /** The size of the file those bytes are read from. */
  readonly totalBytes?: number;
  /** What the step checked or produced, e.g. "good signature by key 1234ABCD" (with "done"). */
  readonly detail?: string;
}

/** What a source may use besides its own config. */
export interface SourceContext {
  readonly host: HostCpu;
  /** qus.lock.json path (beside the config file by default); sources only read it. */
  readonly lockFile: string;
  /**
   * The lock to resolve from instead of lockFile's content (a saved plan's, which apply has not
   * written yet); undefined reads lockFile.
   */
  readonly lock?: SourceLock | null;
  readonly cacheDir: string;
  /** Re-resolve even when the lock file pins a version (`--upgrade`). */
  readonly upgrade: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Emulators registered with F must be static: they are opened outside any container. */
  readonly requireStatic: boolean;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Signature checks and extractions, for the progress display. */
  readonly onPhase?: (event: PhaseEvent) => void;
  /** Hashes a file (null when missing); defaults to reading it whole, a cache may answer instead. */
  readonly hashFile?: FileHasher;
  /** Non-fatal messages for the user (stderr). */
  readonly onWarning?: (message: string) => void;
}

/**
 * What a resolution found, and the lock that records it (null for sources without one). Sources
 * never write the lock: a plan must change nothing, so apply persists it once it succeeded.
 */
export interface Resolution {
  readonly emulators: ResolvedEmulator[];
  readonly lock: SourceLock | null;
}

/** A source adapter: resolves wanted emulator programs to verified files. */
export interface EmulatorSource {
  resolve(emulators: readonly string[], context: SourceContext): Promise<Resolution>;
}
