// Ctrl-C (SIGINT) or SIGTERM while a download streams into the cache leaves no partial file:
// the real module runs in a child process that is signalled mid-write.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transpileTree, type TranspiledTree } from "../kernel/inside.js";

let tree: TranspiledTree;
let scratch: string;

beforeAll(async () => {
  tree = await transpileTree(["src/sources/cache.ts"]);
  scratch = await mkdtemp(join(tmpdir(), "qus-cache-interrupt-"));
});
afterAll(async () => {
  await tree?.remove();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** Starts writing a blob, reports its temp file, then waits to be signalled. */
function writerScript(cacheDir: string): string {
  return `import { BlobCache } from "./src/sources/cache.js";
const writer = await new BlobCache(${JSON.stringify(cacheDir)}).createWriter();
await writer.write(new Uint8Array(3 * 1024 * 1024));
console.log(writer.tempPath);
setTimeout(() => console.log("not interrupted"), 20000);
`;
}

describe("an interrupted download", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s removes the blob's temp file and ends by the signal",
    async (signal) => {
      const cacheDir = join(scratch, signal);
      const script = join(tree.dir, `writer-${signal}.mjs`);
      const { writeFile } = await import("node:fs/promises");
      await writeFile(script, writerScript(cacheDir));
      const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.setEncoding("utf8");
      const tempPath = await new Promise<string>((resolve) =>
        child.stdout.on("data", (chunk: string) => {
          stdout += chunk;
          if (stdout.includes("\n")) resolve(stdout.trim());
        }),
      );
      expect(
        (await readdir(join(cacheDir, "sha256"))).map((n) => join(cacheDir, "sha256", n)),
      ).toEqual([tempPath]);
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once("exit", (_code, s) => resolve(s)),
      );
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(await readdir(join(cacheDir, "sha256"))).toEqual([]);
    },
  );
});
