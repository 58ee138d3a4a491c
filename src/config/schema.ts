// The config's JSON Schema (schemas/qus.config.schema.json, shipped with the package for
// editors) and its ajv validator, compiled on first use and then reused: compiling costs
// about 100 ms, which commands that never read a config should not pay.
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
  const { Ajv2020 } = await import("ajv/dist/2020.js");
  const ajv = new Ajv2020({
    allErrors: true,
    discriminator: true,
    verbose: true,
    strict: true,
    strictRequired: false,
  });
  return ajv.compile(configSchema());
}

/** Resolves a local `$ref` ("#/$defs/x") against the config schema; other nodes pass through. */
export function derefSchema(node: SchemaNode): SchemaNode {
  const ref = node["$ref"];
  if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
  let target: unknown = configSchema();
  for (const segment of ref.slice(2).split("/")) target = (target as SchemaNode)[segment];
  return derefSchema(target as SchemaNode);
}
