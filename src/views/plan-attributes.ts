// The attribute lines under each resource of the human plan: values of a created or deleted
// resource, `~ name: old -> new` for each reason of a change, aligned in one column.
import type { Action } from "../plan/types.js";
import type {
  EmulatorAttributesDocument,
  ReasonDocument,
  RegistrationAttributesDocument,
} from "./plan-document.js";
import { FORCES_REPLACEMENT } from "./strings.js";
import type { Style } from "./style.js";

// Why: binfmt.d content lines start in the same column as attributes.
/** Attribute lines start at column 6, after the resource symbol column. */
export const ATTRIBUTE_INDENT = "      ";
/** Above this many characters `old -> new` is split so the two values line up vertically. */
const INLINE_CHANGE_LIMIT = 60;

/** Attributes whose null means "nobody knows", said in words rather than as null. */
const NULL_IN_WORDS: Readonly<Record<string, string>> = {
  emulator: "(unknown: not recorded by qus)",
};

/** One attribute line to print: a plain value, or a change from one value to another. */
type AttributeLine =
  | { readonly symbol: "+" | "-"; readonly name: string; readonly value: string }
  | {
      readonly symbol: "~";
      readonly name: string;
      readonly before: string;
      readonly after: string;
      readonly forcesReplacement: boolean;
      readonly note: string | null;
    };

/** Attribute values of a registration, in display order, as they print. */
// Why: a registration prints its attributes in the kernel's order.
export function registrationValues(
  attributes: RegistrationAttributesDocument,
): Record<string, unknown> {
  const { type, interpreter, flags, offset, magic, mask, enabled } = attributes;
  return { type, interpreter, flags, offset, magic, mask, enabled };
}

/** Attribute values of an emulator file; a size or origin nobody knows is left out. */
// Why: unknown sizes and origins are left out rather than printed as null.
export function emulatorValues(attributes: EmulatorAttributesDocument): Record<string, unknown> {
  const values: Record<string, unknown> = { sha256: attributes.sha256 };
  if (attributes.size !== null) values.size = attributes.size;
  if (attributes.origin !== null) values.origin = attributes.origin;
  if (attributes.qemu !== null) values.qemu = attributes.qemu;
  return values;
}

/** Create lists every new attribute, delete every old one, update/replace only the reasons. */
// Why: create/delete list values, update/replace list only what changed and why.
export function attributeLines<A>(
  change: {
    readonly action: Action;
    readonly before: A | null;
    readonly after: A | null;
    readonly reasons: readonly ReasonDocument[];
  },
  values: (attributes: A) => Record<string, unknown>,
): AttributeLine[] {
  if (change.action === "create" && change.after !== null)
    return plainLines("+", values(change.after));
  if (change.action === "delete" && change.before !== null)
    return plainLines("-", values(change.before));
  const typed = {
    ...(change.before === null ? {} : values(change.before)),
    ...(change.after === null ? {} : values(change.after)),
  };
  return reasonLines(change.reasons, typed);
}

function plainLines(symbol: "+" | "-", values: Record<string, unknown>): AttributeLine[] {
  return Object.entries(values).map(([name, value]) => ({
    symbol,
    name,
    value: formatValue(value),
  }));
}

/**
 * Reasons as `~ name: old -> new` (null when unknown or absent); a value is quoted unless the
 * attribute is a number or a boolean in the resource's attributes.
 */
// Why: the mount change has reasons but no attributes.
export function reasonLines(
  reasons: readonly ReasonDocument[],
  typed: Record<string, unknown>,
): AttributeLine[] {
  return reasons.map((reason) => {
    const bare =
      typeof typed[reason.attribute] === "number" || typeof typed[reason.attribute] === "boolean";
    const show = (value: string | null): string =>
      value === null
        ? (NULL_IN_WORDS[reason.attribute] ?? "null")
        : bare
          ? value
          : JSON.stringify(value);
    return {
      symbol: "~",
      name: reason.attribute,
      before: show(reason.before),
      after: show(reason.after),
      forcesReplacement: reason.forces_replacement,
      note: reason.note,
    };
  });
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

/** Attribute lines with names padded so that every value in the block starts in one column. */
// Why: Terraform aligns values in one column; so does qus.
export function renderAttributes(lines: readonly AttributeLine[], style: Style): string[] {
  const width = Math.max(0, ...lines.map((line) => line.name.length + 1));
  const valueColumn = ATTRIBUTE_INDENT.length + 2 + width + 1;
  const out: string[] = [];
  for (const line of lines) {
    const head = `${ATTRIBUTE_INDENT}${paintAttributeSymbol(line.symbol, style)} ${`${line.name}:`.padEnd(width)} `;
    if (!("before" in line)) {
      out.push(head + line.value);
      continue;
    }
    const forces = line.forcesReplacement ? `  ${style.removed(FORCES_REPLACEMENT)}` : "";
    if (line.before.length + line.after.length + 4 <= INLINE_CHANGE_LIMIT) {
      out.push(`${head}${line.before} -> ${line.after}${forces}`);
    } else {
      out.push(head + line.before);
      out.push(`${" ".repeat(valueColumn - 3)}-> ${line.after}${forces}`);
    }
    if (line.note !== null) {
      for (const noteLine of line.note.split("\n")) out.push(`${ATTRIBUTE_INDENT}  # ${noteLine}`);
    }
  }
  return out;
}

// Why: binfmt.d file lines use the same coloured signs as attributes.
export function paintAttributeSymbol(symbol: "+" | "-" | "~", style: Style): string {
  if (symbol === "+") return style.added(symbol);
  if (symbol === "-") return style.removed(symbol);
  return style.changed(symbol);
}
