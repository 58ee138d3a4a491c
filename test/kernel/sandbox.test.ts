// The test sandbox itself (test/helpers/sandbox.ts): commands really run inside, a failed start is
// an error (never a skip), and no holder outlives its test process.
import { spawn } from "node:child_process";
import { access, readlink } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_BINFMT_DIR, startSandbox, type Sandbox } from "../helpers/sandbox.js";
import { transpileTree, type TranspiledTree } from "./inside.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

const alive = (pid: number): Promise<boolean> =>
  access(`/proc/${pid}`).then(
    () => true,
    () => false,
  );

describe("startSandbox", () => {
  it("runs commands inside its own user and mount namespaces, with input, env and cwd", async () => {
    const script =
      'cat; echo "$QUS_SANDBOX_TEST"; pwd; readlink /proc/self/ns/user; readlink /proc/self/ns/mnt';
    const result = await sandbox.run("sh", ["-c", script], {
      input: "from stdin\n",
      env: { QUS_SANDBOX_TEST: "from env" },
      cwd: "/usr",
    });
    const [input, env, cwd, userNs, mountNs] = result.stdout.trim().split("\n");
    expect([input, env, cwd, result.code]).toEqual(["from stdin", "from env", "/usr", 0]);
    expect(userNs).toBe(await readlink(`/proc/${sandbox.pid}/ns/user`));
    expect(mountNs).toBe(await readlink(`/proc/${sandbox.pid}/ns/mnt`));
    expect(userNs).not.toBe(await readlink("/proc/self/ns/user"));
  });

  it("has binfmt_misc mounted inside, and reports exit codes and signals like a shell", async () => {
    expect((await sandbox.run("ls", [SANDBOX_BINFMT_DIR])).stdout).toBe("register\nstatus\n");
    expect((await sandbox.run("sh", ["-c", "exit 7"])).code).toBe(7);
    expect((await sandbox.run("sh", ["-c", "kill -TERM $$"])).code).toBe(128 + 15);
  });

  it("rejects a command that outlives its timeout", async () => {
    await expect(sandbox.run("sleep", ["5"], { timeoutMs: 200 })).rejects.toThrow(
      /did not finish within 200 ms/,
    );
  });

  it("fails with an explanation, not a skip, when the sandbox cannot start", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent-qus-path";
    try {
      await expect(startSandbox()).rejects.toThrow(
        /Cannot start the private binfmt_misc sandbox.*could not run unshare/s,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it("stop() ends the holder, and the instance with it", async () => {
    const short = await startSandbox();
    await short.stop();
    expect(await alive(short.pid)).toBe(false);
    await expect(short.run("true", [])).rejects.toThrow(/was stopped/);
  });
});

describe("a test process that dies", () => {
  let tree: TranspiledTree;
  beforeAll(async () => {
    tree = await transpileTree(["test/helpers/sandbox.ts"]);
  });
  afterAll(async () => {
    await tree?.remove();
  });

  it("takes its holder with it, even when killed with SIGKILL", async () => {
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `
      const { startSandbox } = await import(${JSON.stringify(`${tree.dir}/test/helpers/sandbox.js`)});
      const sandbox = await startSandbox();
      console.log(sandbox.pid);
      setInterval(() => {}, 1000);
    `,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const holderPid = await new Promise<number>((resolve) =>
      child.stdout.once("data", (chunk) => resolve(Number(String(chunk).trim()))),
    );
    expect(await alive(holderPid)).toBe(true);
    child.kill("SIGKILL");
    const deadline = Date.now() + 5_000;
    while ((await alive(holderPid)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await alive(holderPid)).toBe(false);
  });
});
