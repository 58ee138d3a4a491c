// The arm64 standalone executable as an arm64 host runs it: under the real qemu-aarch64,
// registered in a private binfmt_misc, with Debian's arm64 C library as QEMU_LD_PREFIX. `uname -m`
// says aarch64 there, so qus must treat aarch64 (and its family, arm) as the host. Each command
// runs in new user + mount namespaces with their own binfmt_misc (spawnWithArm64): qemu-user
// cannot report the working directory inside test/helpers/sandbox.ts's nsenter-entered ones.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnWithArm64 } from "../../scripts/release/emulate-arm64.mjs";
import { foreignBusybox, requireFixtures } from "../helpers/fixtures.js";
import { releaseDir, VERSION } from "./artifacts.js";

let dir: string;
let qus: string;

beforeAll(async () => {
  requireFixtures();
  qus = join(await releaseDir(), "qus-linux-arm64");
  dir = await mkdtemp(join(tmpdir(), "qus-release-arm64-"));
  // A local "emulator" for x86_64 that is a real static arm64 executable: what an arm64 host's
  // qemu-x86_64-static is (qus checks the file is a static ELF for the host, it does not run it).
  await mkdir(join(dir, "emulators-src"));
  await copyFile(foreignBusybox(), join(dir, "emulators-src", "qemu-x86_64-static"));
  const config = {
    targets: ["aarch64", "arm", "x86_64"],
    source: { type: "local", path: join(dir, "emulators-src") },
    installDir: join(dir, "emulators"),
    stateFile: join(dir, "state.json"),
    // Never root's default /var/cache/qus of the host.
    cacheDir: join(dir, "cache"),
    persist: false,
  };
  await writeFile(join(dir, "qus.config.json"), JSON.stringify(config));
}, 30 * 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => spawnWithArm64(qus, args, { cwd: dir, env: { NO_COLOR: "1" } });

describe("qus-linux-arm64 under qemu-aarch64", () => {
  it("is an arm64 program the emulator runs", async () => {
    const uname = spawnWithArm64(foreignBusybox(), ["uname", "-m"]);
    expect(uname.stdout.trim()).toBe("aarch64");
    const r = run("--version");
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it("validates a config", async () => {
    const r = run("validate");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("loads a TypeScript config (Node's type stripping, as on x64) and places a syntax error", async () => {
    const typed =
      'const targets: string[] = ["x86_64"];\nexport default { targets, source: { type: "local", path: "/usr/bin" } };\n';
    await writeFile(join(dir, "typed.ts"), typed);
    await writeFile(join(dir, "broken.mjs"), "export default {\n  targets: [ },\n};\n");
    const ok = run("validate", "-c", "typed.ts");
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toContain("is valid (1 targets: x86_64)");
    const broken = run("validate", "-c", "broken.mjs");
    expect(broken.stderr).toContain(
      "Error: broken.mjs:2:14: invalid JavaScript: SyntaxError: Unexpected token '}'",
    );
    expect(broken.code).toBe(1);
  });

  it("plans as an aarch64 host: skips aarch64 and arm, plans x86_64", async () => {
    const r = run("plan", "--json");
    expect(r.stderr).not.toMatch(/Internal error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.host).toMatchObject({ machine: "aarch64", family: "arm" });
    expect(entryNames(doc)).toEqual(["qemu-x86_64"]);
    expect(`${doc.notes} ${doc.warnings}`).toMatch(/aarch64/);
  });
});

/** The binfmt_misc entries a plan changes (its other changes are emulator files, named by path). */
function entryNames(doc: { changes: { name: string }[] }): string[] {
  return doc.changes.map((c) => c.name).filter((name) => !name.startsWith("/"));
}
