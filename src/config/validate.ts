// Validates raw config data (from any format) and normalises it: the schema's problems and
// the catalog's are collected together and thrown as one ConfigError, so a user fixes every
// mistake in one pass.
import { noPositions, type Locator } from "./positions.js";
import { normaliseConfig, type NormaliseContext } from "./normalise.js";
import { configErrorFor, problemAt, type ConfigSource } from "./problems.js";
import type { RawConfig } from "./raw.js";
import { schemaErrors } from "./schema.js";
import { oversizedPointers, schemaProblems } from "./schema-messages.js";
import { semanticProblems } from "./semantics.js";
import type { QusConfig } from "./types.js";

/**
 * Checks `data` against the schema and the catalog; returns the normalised config or throws.
 * `positions` is asked for only when there is a problem to place (it may load a parser).
 */
export async function validateConfig(
  data: unknown,
  positions: () => Promise<Locator>,
  source: ConfigSource,
  context: NormaliseContext,
): Promise<QusConfig> {
  if (data === undefined || data === null) {
    const text = "the config is empty; it needs at least `targets` and `source`";
    throw configErrorFor(source, [problemAt(source, (await positions())(""), "", text)]);
  }
  const errors = await schemaErrors(data);
  if (errors.length === 0 && semanticProblems(data, noPositions, source).length === 0) {
    return normaliseConfig(data as RawConfig, context);
  }
  const locate = await positions();
  const problems = [
    ...schemaProblems(errors, locate, source),
    ...semanticProblems(data, locate, source, oversizedPointers(errors)),
  ];
  if (problems.length > 0) throw configErrorFor(source, problems);
  return normaliseConfig(data as RawConfig, context);
}
