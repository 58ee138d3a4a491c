// Says one ajv error as a sentence users can act on: the field as they wrote it, what was
// expected and what was found. Pure.
import type { ErrorObject } from "ajv";
import { closestMatch, didYouMean } from "./did-you-mean.js";
import { fieldLabel, joinPointer, parsePointer } from "./pointer.js";
import { quote } from "./quote.js";
import { derefSchema, type SchemaNode } from "./schema.js";

// Why: a regular expression is no message; the examples test checks every pattern has words.
/** What each schema `pattern` means, in words (every pattern in the schema needs an entry). */
export const PATTERN_MEANINGS: Readonly<Record<string, string>> = {
  "^[POCF]*$": "only the flag letters P, O, C and F (upper case)",
  "^[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$":
    'a name of 1 to 32 letters, digits, ".", "_", "+" or "-", starting with a letter or digit',
  "^[^\\u0000\\n\\r]*$": "a path without line breaks or NUL characters",
  "^[^\\u0000\\n\\r:]*$":
    'a path without ":", line breaks or NUL characters (":" separates the fields of the kernel\'s register line)',
  "^[^/\\u0000\\n\\r]*\\{target\\}[^/\\u0000\\n\\r]*$":
    'a file name that contains "{target}" and no "/"',
  "^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$": "a Debian codename such as bookworm or trixie",
  "^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*$": 'a Debian version such as "1:10.0.3+ds-0+deb13u1"',
  "^https?://[^\\s/?#]+[^\\s]*$": "an http:// or https:// URL",
  "^[0-9A-Za-z.*<>=^~|+ -]+$": 'a version range such as ">=9.2", "^10.2" or ">=9.2 <12"',
};

// Why: the caller locates the problem at the pointer's value or key.
/** One error in words and where it points. */
export interface Described {
  readonly pointer: string;
  readonly part: "value" | "key";
  readonly message: string;
}

// Why: schema-messages.ts decides which errors to report; this says each one in words.
/** The sentence for one ajv error and where it points (the value, or the key itself). */
export function describeError(error: ErrorObject): Described | undefined {
  const at = error.instancePath;
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const label = (pointer: string, text: string): string => {
    const field = fieldLabel(pointer);
    return field === "" ? text : `${field}: ${text}`;
  };
  const found = `found ${describeValue(error.data)}`;
  switch (error.keyword) {
    case "type": {
      const expected = (error.params.expected as string[] | undefined) ?? [
        typeWord(String(error.params.type)),
      ];
      return {
        pointer: at,
        part: "value",
        message: label(at, `expected ${expected.join(" or ")}, ${found}`),
      };
    }
    case "required": {
      const missing = String(error.params.missingProperty);
      const discriminator = (parent.discriminator as SchemaNode | undefined)?.propertyName;
      const options =
        discriminator === missing
          ? ` (one of ${discriminatorValues(parent, missing)
              .map((o) => JSON.stringify(o))
              .join(", ")})`
          : "";
      return {
        pointer: at,
        part: "key",
        message: label(at, `missing required key "${missing}"${options}`),
      };
    }
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as SchemaNode);
      const why = key === "$import" ? "qus never merges other files into a config; " : "";
      const match = closestMatch(key, allowed);
      const hint = match === undefined ? "" : `did you mean "${match}"? `;
      const text = `unknown key ${quote(key)} (${why}${hint}allowed: ${allowed.join(", ")})`;
      return {
        pointer: joinPointer([...parsePointer(at), key]),
        part: "key",
        message: label(at, text),
      };
    }
    case "discriminator": {
      const tag = String(error.params.tag);
      const pointer = joinPointer([...parsePointer(at), tag]);
      const options = discriminatorValues(parent, tag);
      const value = error.params.tagValue;
      const hint = typeof value === "string" ? didYouMean(value, options) : "";
      const list = options.map((o) => JSON.stringify(o)).join(", ");
      const foundTag = `found ${describeValue(value)}`;
      return {
        pointer,
        part: "value",
        message: label(pointer, `expected one of ${list}, ${foundTag}${hint}`),
      };
    }
    case "const":
      return {
        pointer: at,
        part: "value",
        message: label(at, `expected ${JSON.stringify(error.params.allowedValue)}, ${found}`),
      };
    case "enum": {
      const list = (error.params.allowedValues as unknown[])
        .map((v) => JSON.stringify(v))
        .join(", ");
      return {
        pointer: at,
        part: "value",
        message: label(at, `expected one of ${list}, ${found}`),
      };
    }
    case "pattern": {
      const pattern = String(error.params.pattern);
      const meaning = PATTERN_MEANINGS[pattern] ?? `a string matching /${pattern}/`;
      return { pointer: at, part: "value", message: label(at, `expected ${meaning}, ${found}`) };
    }
    case "minLength": {
      const limit = Number(error.params.limit);
      const expected = limit === 1 ? "a non-empty string" : `at least ${limit} characters`;
      return { pointer: at, part: "value", message: label(at, `expected ${expected}, ${found}`) };
    }
    case "maxLength": {
      const length = typeof error.data === "string" ? error.data.length : 0;
      const text = `expected at most ${String(error.params.limit)} characters, found ${length}`;
      return { pointer: at, part: "value", message: label(at, text) };
    }
    case "minItems":
    case "maxItems": {
      const limit = Number(error.params.limit);
      const count = Array.isArray(error.data) ? error.data.length : 0;
      const bound = error.keyword === "minItems" ? "at least" : "at most";
      const text = `expected ${bound} ${limit} ${limit === 1 ? "entry" : "entries"}, found ${count}`;
      return { pointer: at, part: "value", message: label(at, text) };
    }
    default:
      return {
        pointer: at,
        part: "value",
        message: label(at, `${error.message ?? "is invalid"}, ${found}`),
      };
  }
}

function discriminatorValues(parent: SchemaNode, tag: string): string[] {
  const branches = (parent.oneOf ?? []) as SchemaNode[];
  return branches.flatMap((branch) => {
    const property = ((derefSchema(branch).properties ?? {}) as Record<string, SchemaNode>)[tag];
    const value = property?.const;
    return typeof value === "string" ? [value] : [];
  });
}

// Why: "expected a list" reads better than ajv's "must be array".
/** A JSON schema type in words. */
export function typeWord(type: string): string {
  switch (type) {
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "object":
      return "an object";
    case "array":
      return "a list";
    case "number":
    case "integer":
      return "a number";
    case "null":
      return "null";
    default:
      return type;
  }
}

/** How a found value is named in messages: `"text"`, `the number 5`, `a list`... */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}
