// Colour for human output, decided once per stream: the plain style never emits an escape code
// and the colour style always does, whatever Node's own stream checks would say, so rendering
// stays deterministic and testable.
import { createRequire } from "node:module";

// Not `import * as util`: bundled, that copies every property of node:util, and on Node 26 that
// loads a third of Node's stream and worker modules (its lazy `diff` and `MIMEParams`).
const util = createRequire(import.meta.url)("node:util") as { styleText?: StyleText };

/** Turns a piece of text into its styled form (the identity in the plain style). */
export type Paint = (text: string) => string;

/** The few roles text plays in qus output, each with its colour. */
export interface Style {
  /** True when this style emits ANSI escape codes. */
  readonly colour: boolean;
  /** `+`, things that will be created or are in place as wanted. */
  readonly added: Paint;
  /** `~`, things changed in place; also warnings. */
  readonly changed: Paint;
  /** `-`, things that will be removed; `# forces replacement`. */
  readonly removed: Paint;
  /** Headings and the closing line. */
  readonly bold: Paint;
  /** The `Warning:` label (yellow). */
  readonly warning: Paint;
  /** The `Error:` label (red), as Terraform shows it. */
  readonly error: Paint;
}

type Format = "green" | "yellow" | "red" | "bold";

const ANSI: Readonly<Record<Format, readonly [open: number, close: number]>> = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  bold: [1, 22],
};

function rawAnsi(formats: readonly Format[], text: string): string {
  return formats.reduceRight(
    (inner, format) => `\x1b[${ANSI[format][0]}m${inner}\x1b[${ANSI[format][1]}m`,
    text,
  );
}

type StyleText = (
  format: Format | Format[],
  text: string,
  options?: { validateStream?: boolean },
) => string;

/** Node's styleText when present (20.12+); newer versions check the stream unless told not to. */
function paint(...formats: Format[]): Paint {
  const styleText = util.styleText;
  return (text) => {
    if (text === "") return text;
    if (typeof styleText === "function") {
      const styled = styleText(formats, text, { validateStream: false });
      if (styled.includes("\x1b[")) return styled;
    }
    return rawAnsi(formats, text);
  };
}

const identity: Paint = (text) => text;

/** No escape codes at all: for pipes, files, NO_COLOR and the `rendered` JSON field. */
export const plainStyle: Style = {
  colour: false,
  added: identity,
  changed: identity,
  removed: identity,
  bold: identity,
  warning: identity,
  error: identity,
};

/** ANSI colours: green +, yellow ~, red -, bold headings. */
export const colourStyle: Style = {
  colour: true,
  added: paint("green"),
  changed: paint("yellow"),
  removed: paint("red"),
  bold: paint("bold"),
  warning: paint("bold", "yellow"),
  error: paint("bold", "red"),
};

/** FORCE_COLOR values that turn colour on; Node treats every other value (0, false...) as off. */
const FORCE_COLOR_ON: ReadonlySet<string> = new Set(["", "1", "2", "3", "true"]);

/** Whether output to this stream should be coloured (see chooseStyle for the rules). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return FORCE_COLOR_ON.has(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (stream.isTTY !== true) return false;
  return env.TERM !== "dumb";
}

/**
 * Picks the style for a stream once. As in Node, a set FORCE_COLOR decides alone ("", 1, 2, 3
 * or true force colour; 0, false or anything else forbid it); otherwise output is plain when
 * NO_COLOR is non-empty, when the stream is not a TTY, or when TERM=dumb.
 */
export function chooseStyle(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  return wantsColour(stream, env) ? colourStyle : plainStyle;
}
