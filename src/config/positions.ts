// Where a config field was written, as problems report it (file:line:column). Kept apart from
// locate.ts, which needs the YAML reader, so that valid configs never load it.

/** A 1-based line and column, or nothing when the source has no positions. */
export interface LineColumn {
  readonly line?: number;
  readonly column?: number;
}

/**
 * Finds where a field is written. `key` asks for the key of the field (for unknown or
 * misplaced keys) instead of its value.
 */
export type Locator = (pointer: string, part?: "value" | "key") => LineColumn;

/** A locator for sources without positions (JS/TS configs). */
export const noPositions: Locator = () => ({});
