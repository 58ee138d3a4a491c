// Collects what is wrong with a config and turns it into one ConfigError whose message lists
// every problem on its own line as `file:line:column: message`, the way compilers do.
import { ConfigError, type ConfigProblem } from "../errors.js";
import type { LineColumn } from "./positions.js";
import { escapeControlCharacters } from "./quote.js";

/** The config file as problems name it: absolute path, and the spelling shown to the user. */
export interface ConfigSource {
  readonly path: string;
  readonly display: string;
}

/** At most this many problems are printed; the rest are counted ("and 980 more problems"). */
export const MAX_SHOWN_PROBLEMS = 20;

/**
 * Builds one problem at a position in `source`. The message is made one line with its control
 * characters escaped, whatever user data or library text it quotes.
 */
export function problemAt(
  source: ConfigSource,
  where: LineColumn,
  pointer: string,
  message: string,
): ConfigProblem {
  return {
    position: { file: source.path, ...where },
    pointer,
    message: escapeControlCharacters(message),
  };
}

/** One problem as a line of output: `file:line:column: message` (or `file: message`). */
export function formatProblem(problem: ConfigProblem, display: string): string {
  const { line, column } = problem.position;
  const place =
    line === undefined
      ? display
      : column === undefined
        ? `${display}:${line}`
        : `${display}:${line}:${column}`;
  return `${place}: ${problem.message}`;
}

/** Problems in reading order (line, then column), duplicates removed. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.position.line}:${p.position.column}:${p.pointer}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const order = (p: ConfigProblem): [number, number] => [
    p.position.line ?? 0,
    p.position.column ?? 0,
  ];
  return unique
    .map((p, index) => ({ p, index }))
    .sort((a, b) => {
      const [la, ca] = order(a.p);
      const [lb, cb] = order(b.p);
      return la - lb || ca - cb || a.index - b.index;
    })
    .map(({ p }) => p);
}

/**
 * The ConfigError for a non-empty list of problems in one file. Its message shows the first
 * MAX_SHOWN_PROBLEMS and counts the rest; `problems` keeps them all for --json.
 */
export function configErrorFor(
  source: ConfigSource,
  problems: readonly ConfigProblem[],
  hint?: string,
): ConfigError {
  const sorted = sortProblems(problems);
  const display = escapeControlCharacters(source.display);
  const lines = sorted.slice(0, MAX_SHOWN_PROBLEMS).map((p) => formatProblem(p, display));
  const hidden = sorted.length - lines.length;
  if (hidden > 0)
    lines.push(
      `${display}: and ${hidden} more ${hidden === 1 ? "problem" : "problems"} (--json lists every one)`,
    );
  return new ConfigError(lines.join("\n"), sorted, hint === undefined ? undefined : { hint });
}
