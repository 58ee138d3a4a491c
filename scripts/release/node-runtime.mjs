// The Node.js binaries the standalone executables are made of: the official linux-x64 and
// linux-arm64 builds, as the npm registry ships them (packages node-linux-<arch>), fetched with
// `npm pack` into a cache outside the clone and accepted only when the tarball matches the
// integrity hash pinned in node-runtime.json.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const pins = JSON.parse(readFileSync(new URL("./node-runtime.json", import.meta.url), "utf8"));

/** The pinned Node.js version every executable embeds. */
export const NODE_VERSION = pins.version;

/** Where release inputs are cached between runs (outside the clone). */
export function releaseCacheDir() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "qus-release");
}

/** The SRI hash (`sha512-<base64>`) of a file, for comparison with the pinned one. */
function integrityOf(file) {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}

/** Path of the verified `node` binary for `arch` (x64 or arm64), fetched on first use. */
export function nodeBinary(arch) {
  const pin = pins.packages[arch];
  if (pin === undefined) throw new Error(`no pinned Node.js package for architecture ${arch}`);
  const cache = releaseCacheDir();
  const dir = join(cache, `node-${NODE_VERSION}-linux-${arch}`);
  const binary = join(dir, "bin", "node");
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const tarball = join(cache, `${pin.name}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball) || integrityOf(tarball) !== pin.integrity) {
    // npm pack ignores the package's os/cpu fields: it only downloads the tarball.
    execFileSync(
      "npm",
      ["pack", `${pin.name}@${NODE_VERSION}`, "--silent", "--pack-destination", cache],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
  }
  const actual = integrityOf(tarball);
  if (actual !== pin.integrity) {
    rmSync(tarball, { force: true });
    throw new Error(
      `${pin.name}@${NODE_VERSION}: integrity ${actual} is not the pinned ${pin.integrity}`,
    );
  }
  const staging = mkdtempSync(join(cache, `.node-${arch}-`));
  execFileSync("tar", [
    "-xzf",
    tarball,
    "-C",
    staging,
    "--strip-components=1",
    "package/bin/node",
    "package/LICENSE",
  ]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return binary;
}
