// Builds the ajv validator for the config schema, at run time or ahead of time: the build
// writes it as standalone CommonJS (dist/config/config-validator.cjs) so that a run pays ~3 ms
// to load it instead of ~100+ ms to compile the schema.
import type { ValidateFunction } from "ajv";
import { commonJsExport } from "../commonjs-export.js";
import type { SchemaNode } from "./schema.js";

const AJV_OPTIONS = {
  allErrors: true,
  discriminator: true,
  verbose: true,
  strict: true,
  strictRequired: false,
} as const;

async function loadAjv2020(): Promise<typeof import("ajv/dist/2020.js").Ajv2020> {
  return commonJsExport(await import("ajv/dist/2020.js"), "Ajv2020");
}

/** Compiles the schema with ajv now (the fallback when no precompiled validator is there). */
export async function compileAtRunTime(schema: SchemaNode): Promise<ValidateFunction> {
  const Ajv2020 = await loadAjv2020();
  return new Ajv2020({ ...AJV_OPTIONS }).compile(schema);
}

/** The source of a standalone CommonJS module exporting the same validator. */
export async function compileStandaloneSource(schema: SchemaNode): Promise<string> {
  const Ajv2020 = await loadAjv2020();
  // CommonJS default export: under NodeNext the function sits on `.default` of the module.
  type Standalone = (ajv: unknown, validate: ValidateFunction) => string;
  const imported = (await import("ajv/dist/standalone/index.js")) as unknown as {
    default: Standalone | { default: Standalone };
  };
  const standalone =
    typeof imported.default === "function" ? imported.default : imported.default.default;
  const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, esm: false } });
  return standalone(ajv, ajv.compile(schema));
}
