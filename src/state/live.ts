// Reads what is there: the kernel's entries, the state file, the content of every emulator file
// qus wants or installed earlier, and the binfmt.d files it wants or wrote. The planner compares
// this with Desired.
import { readFile } from "node:fs/promises";
import { readBinfmt, type BinfmtState } from "../kernel/binfmt.js";
import { sha256FileIfExists } from "../files/hash.js";
import type { FileHasher } from "../files/hash-cache.js";
import { QusError } from "../errors.js";
import type { Desired, Live, LiveFile, LiveTextFile } from "../plan/types.js";
import { readState } from "./state-file.js";
import { nodeCrypto } from "../files/node-crypto.js";
import { bootFilePaths, maskPaths } from "./boot-files.js";

/** binfmt.d files are one line; anything bigger is not one of qus's and is shown by hash only. */
const MAX_BINFMTD_BYTES = 64 * 1024;

/** Gathers the live state for `desired`, reading the kernel (unless known) and the disk in parallel. */
export async function readLive(
  desired: Desired,
  stateFile: string,
  hash: FileHasher = sha256FileIfExists,
  knownKernel?: BinfmtState,
): Promise<Live> {
  const [kernel, state, bootPaths] = await Promise.all([
    knownKernel ?? readBinfmt(desired.binfmtDir),
    readState(stateFile),
    bootFilePaths(desired),
  ]);
  const paths = [
    ...new Set([...desired.emulators.map((e) => e.path), ...Object.keys(state.emulators)]),
  ];
  const textPaths = [
    ...new Set([
      ...desired.binfmtd.map((f) => f.path),
      ...Object.keys(state.binfmtd ?? {}),
      ...maskPaths(desired, bootPaths),
    ]),
  ];
  const [files, binfmtd, bootFiles] = await Promise.all([
    Promise.all(
      paths.map(
        async (path): Promise<LiveFile> => ({ path, sha256: (await hash(path))?.sha256 ?? null }),
      ),
    ),
    Promise.all(textPaths.map(readTextFile)),
    Promise.all(bootPaths.map(readTextFile)),
  ]);
  return { binfmtDir: desired.binfmtDir, ...kernel, files, binfmtd, bootFiles, state };
}

/** A small text file's content and hash; null content when it does not exist. */
export async function readTextFile(path: string): Promise<LiveTextFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { path, content: null, sha256: null };
    throw new QusError(`Cannot read ${path} (${code ?? String(error)})`, { cause: error });
  }
  const sha256 = (await nodeCrypto()).createHash("sha256").update(bytes).digest("hex");
  const content =
    bytes.length > MAX_BINFMTD_BYTES
      ? `(${bytes.length} bytes, not shown)\n`
      : bytes.toString("utf8");
  return { path, content, sha256 };
}
