// Turns ajv's error list into problems users can act on: one per distinct mistake (nothing
// inside an oversized field, one error per anyOf/oneOf), each at the line and column where it
// was written. The sentence for one error is schema-error.ts's.
import type { ErrorObject } from "ajv";
import type { ConfigProblem } from "../errors.js";
import type { Locator } from "./positions.js";
import { problemAt, type ConfigSource } from "./problems.js";
import { describeError, typeWord } from "./schema-error.js";

/**
 * The fields whose value is over a size limit (maxLength, maxItems): nothing more is checked
 * in them, so a 100,000-character name or a list of 1,000 entries gives one problem, not 1,000.
 */
export function oversizedPointers(errors: readonly ErrorObject[]): Set<string> {
  return new Set(
    errors
      .filter((e) => e.keyword === "maxLength" || e.keyword === "maxItems")
      .map((e) => e.instancePath),
  );
}

/** True when `pointer` is one of the `oversized` fields or lies inside one. */
export function isInsideOversized(pointer: string, oversized: ReadonlySet<string>): boolean {
  return oversized.has(pointer) || isBelowOversized(pointer, oversized);
}

function isBelowOversized(pointer: string, oversized: ReadonlySet<string>): boolean {
  for (const outer of oversized) if (pointer.startsWith(`${outer}/`)) return true;
  return false;
}

/** One problem per distinct mistake, from ajv's (verbose, allErrors) error list. */
export function schemaProblems(
  errors: readonly ErrorObject[],
  locate: Locator,
  source: ConfigSource,
): ConfigProblem[] {
  const oversized = oversizedPointers(errors);
  const relevant = errors.filter((e) => {
    const sizeLimit = e.keyword === "maxLength" || e.keyword === "maxItems";
    return sizeLimit
      ? !isBelowOversized(e.instancePath, oversized)
      : !isInsideOversized(e.instancePath, oversized);
  });
  return collapseAlternatives(relevant).flatMap((error) => {
    const problem = describeError(error);
    if (problem === undefined) return [];
    return [
      problemAt(source, locate(problem.pointer, problem.part), problem.pointer, problem.message),
    ];
  });
}

/**
 * For `anyOf`/`oneOf` (a target is a name or an object; a pattern is a string or a list), keeps
 * only the errors of the alternative whose type matches what the user wrote. When no
 * alternative has the right type, one "expected X or Y" error replaces them all.
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const result = [...errors];
  for (const alternatives of errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")) {
    const path = alternatives.instancePath;
    const typeMismatches = result.filter((e) => e.keyword === "type" && e.instancePath === path);
    const remove = new Set<ErrorObject>([alternatives, ...typeMismatches]);
    const others = result.filter(
      (e) => !remove.has(e) && (e.instancePath === path || e.instancePath.startsWith(`${path}/`)),
    );
    const index = result.indexOf(alternatives);
    if (others.length === 0) {
      const expected = typeMismatches.map((e) => typeWord(String(e.params.type)));
      result.splice(index, 1, { ...alternatives, keyword: "type", params: { type: "", expected } });
    } else {
      result.splice(index, 1);
    }
    for (const mismatch of typeMismatches) result.splice(result.indexOf(mismatch), 1);
  }
  // A missing discriminator tag is reported once, as the missing required key.
  return result.filter(
    (e) =>
      !(
        e.keyword === "discriminator" &&
        e.params.error === "tag" &&
        result.some((r) => r.keyword === "required" && r.instancePath === e.instancePath)
      ),
  );
}
