// The config's JSON Schema (schemas/qus.config.schema.json, shipped with the package for
// editors) and its ajv validator: the one precompiled by the build when present, else compiled
// on first use (from sources, in tests) and then reused.
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";

/** A JSON Schema node, as far as qus reads it. */
export type SchemaNode = Readonly<Record<string, unknown>>;

let schema: SchemaNode | undefined;
let validator: ValidateFunction | undefined;

/** The parsed schema file (same relative location from src/config and from dist/config). */
export function configSchema(): SchemaNode {
  schema ??= createRequire(import.meta.url)("../../schemas/qus.config.schema.json") as SchemaNode;
  return schema;
}

/** Validates raw config data against the schema; returns ajv's errors (verbose), empty when valid. */
export async function schemaErrors(data: unknown): Promise<ErrorObject[]> {
  validator ??= await compileValidator();
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

async function compileValidator(): Promise<ValidateFunction> {
  try {
    return createRequire(import.meta.url)(PRECOMPILED) as ValidateFunction;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
  }
  const { compileAtRunTime } = await import("./schema-compile.js");
  return compileAtRunTime(configSchema());
}

/** Written beside this module by scripts/build-validator.mjs during `npm run build`. */
export const PRECOMPILED = "./config-validator.cjs";

/** Resolves a local `$ref` ("#/$defs/x") against the config schema; other nodes pass through. */
export function derefSchema(node: SchemaNode): SchemaNode {
  const ref = node.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
  let target: unknown = configSchema();
  for (const segment of ref.slice(2).split("/")) target = (target as SchemaNode)[segment];
  return derefSchema(target as SchemaNode);
}
