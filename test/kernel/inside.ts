// Runs src/ code inside a sandbox's namespaces, for the few operations that must happen there
// (mount(8) acts on the caller's mount namespace). Node 20 cannot run TypeScript, so the module
// and everything it imports is transpiled (TypeScript's transpileModule) into a temp directory.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type { RunResult, Sandbox } from "../helpers/sandbox.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** A temp directory holding transpiled modules, laid out like the repository. */
export interface TranspiledTree {
  readonly dir: string;
  /** Runs an ES module body inside the sandbox with `node`; its imports resolve in `dir`. */
  runInside(sandbox: Sandbox, moduleBody: string): Promise<RunResult>;
  remove(): Promise<void>;
}

/** Transpiles `entries` (repository-relative .ts paths) and their relative imports. */
export async function transpileTree(entries: readonly string[]): Promise<TranspiledTree> {
  const dir = await mkdtemp(join(tmpdir(), "qus-inside-"));
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  const done = new Set<string>();
  const queue = entries.map((entry) => resolve(REPO_ROOT, entry));
  while (queue.length > 0) {
    const source = queue.pop()!;
    if (done.has(source)) continue;
    done.add(source);
    const text = await readFile(source, "utf8");
    const output = ts.transpileModule(text, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: source,
    }).outputText;
    const target = join(dir, relative(REPO_ROOT, source)).replace(/\.ts$/, ".js");
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output);
    // Follow the relative imports that survive transpiling (type-only imports are gone).
    for (const match of output.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)\.js["']/g)) {
      queue.push(resolve(dirname(source), `${match[1]}.ts`));
    }
  }
  return {
    dir,
    async runInside(sandbox, moduleBody) {
      const script = join(dir, `script-${done.size}-${Math.random().toString(16).slice(2)}.mjs`);
      await writeFile(script, moduleBody);
      return sandbox.run(process.execPath, [script], { cwd: dir });
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
