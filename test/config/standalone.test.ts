import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { compileAtRunTime, compileStandaloneSource } from "../../src/config/schema-compile.js";
import { projectRoot } from "../helpers/fixtures.js";

// The build ships the standalone validator; it must judge every input exactly as ajv's own.
const samples: unknown[] = [
  { targets: ["aarch64"], source: { type: "local", path: "/usr/bin" } },
  {
    targets: [{ name: "arm", flags: "PF", enabled: false, hostFamily: true }],
    source: { type: "debian", suite: "trixie" },
  },
  { targets: "aarch64", source: { type: "local" } },
  { targets: [1, { name: "x", flagz: "P" }], flags: "PXF", source: { type: "nope" }, prefx: 1 },
  { targets: [], source: { type: "debian", suite: 12, mirror: "ftp://x" }, installDir: "/a:b" },
  {},
  null,
];

it("the precompiled validator reports the same errors as the run-time one", async () => {
  // Inside the project, so the generated code's require("ajv/dist/runtime/...") resolves.
  await mkdir(join(projectRoot, "node_modules", ".cache"), { recursive: true });
  const dir = await mkdtemp(join(projectRoot, "node_modules", ".cache", "qus-standalone-"));
  try {
    const file = join(dir, "validator.cjs");
    await writeFile(file, await compileStandaloneSource(configSchema()));
    const precompiled = createRequire(import.meta.url)(file) as ValidateFunction;
    const runtime = await compileAtRunTime(configSchema());
    for (const sample of samples) {
      const strip = (v: ValidateFunction) =>
        v(sample)
          ? []
          : (v.errors ?? []).map(({ instancePath, keyword, params, message }) => ({
              instancePath,
              keyword,
              params,
              message,
            }));
      expect(strip(precompiled)).toEqual(strip(runtime));
    }
    expect(precompiled(samples[3])).toBe(false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
