// The binfmt_misc edge against a real kernel: a private instance in a user namespace. This
// process reaches it through /proc/<holder>/root (the holder's mount namespace), which the
// sandbox verifies is the private instance; mount(8) runs inside the namespace itself.
import { constants } from "node:fs";
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTarget } from "../../src/catalog/targets.js";
import { KernelError } from "../../src/errors.js";
import {
  enableBinfmtGlobally,
  readBinfmt,
  registerEntry,
  removeEntry,
  setEntryEnabled,
} from "../../src/kernel/binfmt.js";
import { encodeRegisterLine } from "../../src/kernel/register-line.js";
import { SANDBOX_BINFMT_DIR, startSandbox, type Sandbox } from "../helpers/sandbox.js";
import { transpileTree, type TranspiledTree } from "./inside.js";

let sandbox: Sandbox;
let unmounted: Sandbox;
let scratch: string;
beforeAll(async () => {
  [sandbox, unmounted] = await Promise.all([startSandbox(), startSandbox({ mount: false })]);
  scratch = await mkdtemp(join(tmpdir(), "qus-binfmt-test-"));
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), unmounted?.stop()]);
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** A registration that matches no real file (magic "QUS\0" at offset 64). */
function line(name: string, options: { flags?: string; interpreter?: string } = {}): string {
  return encodeRegisterLine({
    name,
    offset: 64,
    magic: "51555300",
    mask: "ffffff00",
    interpreter: options.interpreter ?? "/usr/local/lib/qus-test/qemu-none",
    flags: options.flags ?? "P",
  });
}

async function kernelError(promise: Promise<unknown>): Promise<KernelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KernelError);
  return error as KernelError;
}

describe("readBinfmt", () => {
  it("reads a fresh instance as mounted, enabled and empty", async () => {
    const fresh = await startSandbox();
    try {
      expect(await readBinfmt(fresh.binfmtDir)).toEqual({
        mounted: true,
        enabledGlobally: true,
        entries: [],
      });
    } finally {
      await fresh.stop();
    }
  });

  it("reports not mounted only at procfs's own binfmt_misc directory with nothing on it", async () => {
    expect(await readBinfmt(unmounted.binfmtDir)).toEqual({
      mounted: false,
      enabledGlobally: false,
      entries: [],
    });
  });

  it("refuses a binfmtDir that is not binfmt_misc, naming what it is, and reads nothing there", async () => {
    const missing = join(scratch, "missing");
    expect((await kernelError(readBinfmt(missing))).message).toBe(
      `binfmtDir ${missing} is not a binfmt_misc file system: it is nothing: the path does not exist. qus reads and writes nothing there.`,
    );
    const ordinary = join(scratch, "ordinary");
    await mkdir(ordinary);
    await writeFile(join(ordinary, "register"), "");
    await writeFile(join(ordinary, "status"), "enabled\n");
    const error = await kernelError(readBinfmt(ordinary));
    expect(error.message).toMatch(
      new RegExp(
        `^binfmtDir ${ordinary} is not a binfmt_misc file system: it is an ordinary directory on \\S`,
      ),
    );
    expect(error.hint).toContain("/proc/sys/fs/binfmt_misc (the default binfmtDir)");
    expect((await kernelError(readBinfmt("/proc/sys"))).message).toMatch(
      /it is (a proc mount|an ordinary directory on proc)\./,
    );
  });

  it("returns every entry parsed, sorted by name", async () => {
    for (const name of ["qus-read-b", "qus-read-a", "qus-read-c"])
      await registerEntry(sandbox.binfmtDir, line(name));
    const state = await readBinfmt(sandbox.binfmtDir);
    const ours = state.entries.filter((e) => e.name.startsWith("qus-read-"));
    expect(ours.map((e) => e.name)).toEqual(["qus-read-a", "qus-read-b", "qus-read-c"]);
    expect(ours[0]).toEqual({
      name: "qus-read-a",
      enabled: true,
      type: "M",
      interpreter: "/usr/local/lib/qus-test/qemu-none",
      flags: "P",
      offset: 64,
      magic: "51555300",
      mask: "ffffff00",
    });
    for (const entry of ours) await removeEntry(sandbox.binfmtDir, entry.name);
  });

  it("reads the global status, and enableBinfmtGlobally turns it back on", async () => {
    const fresh = await startSandbox();
    try {
      // Writing 0 to status only disables; this is a private instance.
      await writeFile(join(fresh.binfmtDir, "status"), "0");
      expect((await readBinfmt(fresh.binfmtDir)).enabledGlobally).toBe(false);
      await enableBinfmtGlobally(fresh.binfmtDir);
      expect((await readBinfmt(fresh.binfmtDir)).enabledGlobally).toBe(true);
    } finally {
      await fresh.stop();
    }
  });

  it("skips entries removed while it reads, instead of failing", async () => {
    for (let round = 0; round < 10; round += 1) {
      const names = Array.from({ length: 40 }, (_, i) => `qus-race-${round}-${i}`);
      for (const name of names) await registerEntry(sandbox.binfmtDir, line(name));
      const reads = Array.from({ length: 4 }, () => readBinfmt(sandbox.binfmtDir));
      await Promise.all(names.map((name) => removeEntry(sandbox.binfmtDir, name)));
      for (const state of await Promise.all(reads)) {
        expect(state.mounted).toBe(true);
        for (const entry of state.entries) expect(names).toContain(entry.name);
      }
    }
    expect(
      (await readBinfmt(sandbox.binfmtDir)).entries.filter((e) => e.name.startsWith("qus-race-")),
    ).toEqual([]);
  });
});

describe("registerEntry, setEntryEnabled, removeEntry", () => {
  it("register, disable, enable and remove round-trip through the kernel", async () => {
    const dir = sandbox.binfmtDir;
    await registerEntry(dir, line("qus-cycle", { flags: "CF", interpreter: process.execPath }));
    const find = async () => (await readBinfmt(dir)).entries.find((e) => e.name === "qus-cycle");
    expect(await find()).toMatchObject({
      enabled: true,
      flags: "OCF",
      interpreter: process.execPath,
    });
    await setEntryEnabled(dir, "qus-cycle", false);
    expect((await find())?.enabled).toBe(false);
    await setEntryEnabled(dir, "qus-cycle", true);
    expect((await find())?.enabled).toBe(true);
    await removeEntry(dir, "qus-cycle");
    expect(await find()).toBeUndefined();
  });

  it("maps EEXIST to 'already exists', saying something else registered it", async () => {
    await registerEntry(sandbox.binfmtDir, line("qus-twice"));
    const error = await kernelError(registerEntry(sandbox.binfmtDir, line("qus-twice")));
    expect(error.code).toBe("EEXIST");
    expect(error.path).toBe(join(sandbox.binfmtDir, "register"));
    expect(error.message).toBe(
      `Cannot register binfmt_misc entry "qus-twice": an entry with this name already exists in ${sandbox.binfmtDir}.`,
    );
    expect(error.hint).toContain("something else registered this name");
    await removeEntry(sandbox.binfmtDir, "qus-twice");
  });

  it("maps ENOENT with the F flag to a missing interpreter", async () => {
    const missing = join(scratch, "no-such-qemu");
    const error = await kernelError(
      registerEntry(sandbox.binfmtDir, line("qus-missing", { flags: "F", interpreter: missing })),
    );
    expect(error.code).toBe("ENOENT");
    expect(error.message).toContain(
      `the interpreter ${missing} does not exist (ENOENT); with the F flag the kernel opens it`,
    );
    expect(error.hint).toContain("Install the emulator first");
    expect((await readBinfmt(sandbox.binfmtDir)).entries.map((e) => e.name)).not.toContain(
      "qus-missing",
    );
  });

  it("explains ENOENT for a taken name with a missing interpreter as 'already exists'", async () => {
    await registerEntry(sandbox.binfmtDir, line("qus-taken"));
    const error = await kernelError(
      registerEntry(
        sandbox.binfmtDir,
        line("qus-taken", { flags: "F", interpreter: join(scratch, "nope") }),
      ),
    );
    expect(["ENOENT", "EEXIST"]).toContain(error.code);
    expect(error.message).toContain("an entry with this name already exists");
    await removeEntry(sandbox.binfmtDir, "qus-taken");
  });

  it("maps EACCES with the F flag to an interpreter that cannot be opened for execution", async () => {
    const notExecutable = join(scratch, "not-executable");
    await writeFile(notExecutable, "not a program");
    await chmod(notExecutable, 0o644);
    const error = await kernelError(
      registerEntry(
        sandbox.binfmtDir,
        line("qus-noexec", { flags: "F", interpreter: notExecutable }),
      ),
    );
    expect(error.code).toBe("EACCES");
    expect(error.message).toContain(
      `the interpreter ${notExecutable} cannot be opened for execution (EACCES)`,
    );
  });

  it("maps EINVAL to a message that shows the rejected line", async () => {
    const rejected = ":qus-bad:M::\\x51::/usr/local/lib/qus-test/qemu-none:Z";
    const error = await kernelError(registerEntry(sandbox.binfmtDir, rejected));
    expect(error.code).toBe("EINVAL");
    expect(error.message).toBe(
      `Cannot register binfmt_misc entry "qus-bad": the kernel rejected the register line written to ${join(sandbox.binfmtDir, "register")} (EINVAL):\n  ${rejected}`,
    );
  });

  it("maps a missing register file to 'not mounted' with the mount command, and creates no file", async () => {
    for (const dir of [unmounted.binfmtDir, scratch]) {
      const error = await kernelError(registerEntry(dir, line("qus-nowhere")));
      expect(error.code).toBe("ENOENT");
      expect(error.message).toBe(
        `Cannot register binfmt_misc entry "qus-nowhere": binfmt_misc is not mounted at ${dir} (${join(dir, "register")} does not exist).`,
      );
      expect(error.hint).toBe(`Mount it with: mount -t binfmt_misc binfmt_misc ${dir}`);
    }
    expect(await readdir(scratch)).not.toContain("register");
  });

  it("maps EROFS (a read-only binfmt_misc, as in containers) to advice about privileges", async () => {
    const fresh = await startSandbox();
    try {
      const remount = await fresh.run("mount", ["-o", "remount,ro", SANDBOX_BINFMT_DIR]);
      expect(remount.stderr).toBe("");
      const error = await kernelError(registerEntry(fresh.binfmtDir, line("qus-ro")));
      expect(error.code).toBe("EROFS");
      expect(error.message).toContain("is on a read-only file system (EROFS)");
      expect(error.hint).toContain("privileged container");
    } finally {
      await fresh.stop();
    }
  });

  it("refuses to write to the control files or outside the directory", async () => {
    await registerEntry(sandbox.binfmtDir, line("qus-keep"));
    for (const name of ["status", "register", "", ".", "..", "../status", "qus-keep/x"]) {
      const error = await kernelError(removeEntry(sandbox.binfmtDir, name));
      expect(error.message).toMatch(/^Refusing to remove binfmt_misc entry/);
      await kernelError(setEntryEnabled(sandbox.binfmtDir, name, false));
    }
    const state = await readBinfmt(sandbox.binfmtDir);
    expect(state.enabledGlobally).toBe(true);
    expect(state.entries.find((e) => e.name === "qus-keep")?.enabled).toBe(true);
    await removeEntry(sandbox.binfmtDir, "qus-keep");
  });

  it("maps a missing entry to 'no such entry'", async () => {
    const error = await kernelError(removeEntry(sandbox.binfmtDir, "qus-never-registered"));
    expect(error.code).toBe("ENOENT");
    expect(error.message).toContain(`there is no such entry in ${sandbox.binfmtDir}`);
  });
});

describe("a registration made with the edge runs a foreign binary in the sandbox", () => {
  const fixtures = process.env.QUS_FIXTURES ?? join(homedir(), ".cache", "qus-test-fixtures");
  const emulator = join(fixtures, "qemu", "qemu-aarch64-static");
  const busybox = join(fixtures, "foreign", "arm64", "busybox");

  it("qemu-aarch64 registered with POF runs an aarch64 busybox", async () => {
    for (const file of [emulator, busybox]) {
      await access(file, constants.X_OK).catch(() => {
        throw new Error(
          `Test fixture ${file} is missing or not executable: run scripts/setup.sh (or set QUS_FIXTURES).`,
        );
      });
    }
    const aarch64 = findTarget("aarch64")!;
    const registration = {
      name: "qus-aarch64",
      offset: 0,
      magic: aarch64.magic,
      mask: aarch64.mask,
      interpreter: emulator,
      flags: "POF",
    };
    await registerEntry(sandbox.binfmtDir, encodeRegisterLine(registration));
    try {
      const result = await sandbox.run(busybox, ["uname", "-m"]);
      expect(result).toMatchObject({ code: 0, stdout: "aarch64\n" });
    } finally {
      await removeEntry(sandbox.binfmtDir, "qus-aarch64");
    }
    // Gone from the instance, so the same exec fails again (Exec format error).
    const after = await sandbox.run(busybox, ["uname", "-m"]);
    expect(after.code).not.toBe(0);
  });
});

describe("mountBinfmt (run inside the namespace, where mount(8) acts)", () => {
  let tree: TranspiledTree;
  beforeAll(async () => {
    tree = await transpileTree(["src/kernel/binfmt.ts"]);
  });
  afterAll(async () => {
    await tree?.remove();
  });

  it("mounts binfmt_misc where it was not, and explains a failed mount", async () => {
    const sandboxToMount = await startSandbox({ mount: false });
    try {
      const result = await tree.runInside(
        sandboxToMount,
        `import { mountBinfmt, readBinfmt } from "./src/kernel/binfmt.js";
const dir = ${JSON.stringify(SANDBOX_BINFMT_DIR)};
const before = await readBinfmt(dir);
let failure = null;
try { await mountBinfmt("/nonexistent/qus-binfmt"); } catch (e) { failure = { name: e.name, message: e.message, path: e.path, hint: e.hint }; }
await mountBinfmt(dir);
const after = await readBinfmt(dir);
console.log(JSON.stringify({ before, failure, after }));
`,
      );
      expect(result.stderr).toBe("");
      const { before, failure, after } = JSON.parse(result.stdout);
      expect(before).toEqual({ mounted: false, enabledGlobally: false, entries: [] });
      expect(after).toEqual({ mounted: true, enabledGlobally: true, entries: [] });
      expect(failure.name).toBe("KernelError");
      expect(failure.path).toBe("/nonexistent/qus-binfmt");
      expect(failure.message).toBe(
        `Refusing to mount binfmt_misc at /nonexistent/qus-binfmt: qus mounts it only at ${SANDBOX_BINFMT_DIR}, the kernel's own place.`,
      );
      // The mount happened in the sandbox's namespace: seen from here through its root.
      expect((await readdir(sandboxToMount.binfmtDir)).sort()).toEqual(["register", "status"]);
      const mountInfo = await readFile(`/proc/${sandboxToMount.pid}/mountinfo`, "utf8");
      expect(mountInfo).toMatch(new RegExp(`${SANDBOX_BINFMT_DIR} \\S+ - binfmt_misc `));
    } finally {
      await sandboxToMount.stop();
    }
  });
});
