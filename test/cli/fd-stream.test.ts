// The stdout stand-in: to a pipe, a file or /dev/null, qus writes without creating Node's stream
// (which costs milliseconds at every start) and says it is no terminal, without even loading
// Node's tty module for a pipe or a file; on a terminal the real stream answers.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, requireBuilt } from "../helpers/fixtures.js";

const MODULE = pathToFileURL(join(projectRoot, "dist", "cli", "fd-stream.js")).href;
// Writes two lines through the stand-in for fd 1, then reports on fd 2 whether the real stream
// was created and what isTTY said.
const SCRIPT = `
const { lazyWriteStream } = await import(${JSON.stringify(MODULE)});
let created = false;
const out = lazyWriteStream(1, () => { created = true; return process.stdout; });
const tty = out.isTTY;
out.write("one\\n");
out.write("two\\n");
const ttyModule = process.moduleLoadList.includes("NativeModule tty");
process.stderr.write(JSON.stringify({ created, tty, ttyModule }));
`;

let dir: string;
beforeAll(async () => {
  requireBuilt();
  dir = await mkdtemp(join(tmpdir(), "qus-fd-stream-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(stdout: "pipe" | number): { report: unknown; stdout: string } {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT], {
    stdio: ["ignore", stdout, "pipe"],
    encoding: "utf8",
  });
  expect(child.status).toBe(0);
  return { report: JSON.parse(child.stderr), stdout: child.stdout ?? "" };
}

describe("lazyWriteStream", () => {
  it("writes to a pipe without Node's stream, and is no terminal", () => {
    const { report, stdout } = run("pipe");
    expect(report).toEqual({ created: false, tty: false, ttyModule: false });
    expect(stdout).toBe("one\ntwo\n");
  });

  it("treats /dev/null and files the same way", async () => {
    const { openSync, closeSync } = await import("node:fs");
    const devNull = openSync("/dev/null", "w");
    try {
      expect(run(devNull).report).toMatchObject({ created: false, tty: false });
    } finally {
      closeSync(devNull);
    }
    const file = join(dir, "out.txt");
    const fd = openSync(file, "w");
    try {
      expect(run(fd).report).toEqual({ created: false, tty: false, ttyModule: false });
    } finally {
      closeSync(fd);
    }
    expect(await readFile(file, "utf8")).toBe("one\ntwo\n");
  });
});
