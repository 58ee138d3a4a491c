// Build step: writes the config schema's ajv validator as standalone CommonJS next to the
// compiled config module, so `qus` loads it instead of compiling the schema at every start.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configSchema, PRECOMPILED } from "../dist/config/schema.js";
import { compileStandaloneSource } from "../dist/config/schema-compile.js";

const target = fileURLToPath(
  new URL(PRECOMPILED, new URL("../dist/config/schema.js", import.meta.url)),
);
writeFileSync(target, await compileStandaloneSource(configSchema()));
