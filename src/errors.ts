// The few kinds of failure qus reports. Only the CLI entry turns them into messages and exit
// codes; a QusError is the user's to fix and prints without a stack trace, anything else is a bug.

/** A failure the user can cause and fix: printed as its message, exit code 1. */
export class QusError extends Error {
  /** Optional next step printed under the message. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Where in a config file a problem is (1-based line and column). */
export interface SourcePosition {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** One problem found in a config, with its place and the field it concerns. */
export interface ConfigProblem {
  readonly position: SourcePosition;
  /** JSON pointer of the field, e.g. /targets/2. */
  readonly pointer: string;
  readonly message: string;
}

/** The config could not be found, parsed or validated. */
export class ConfigError extends QusError {
  readonly problems: readonly ConfigProblem[];
  constructor(
    message: string,
    problems: readonly ConfigProblem[] = [],
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.problems = problems;
  }
}

/** Emulator binaries could not be found, fetched or verified. */
export class SourceError extends QusError {
  /** JSON pointer of the config field at fault (e.g. /source/path), placed as file:line:column. */
  readonly field: string | undefined;
  constructor(message: string, options?: { cause?: unknown; hint?: string; field?: string }) {
    super(message, options);
    this.field = options?.field;
  }
}

/** The kernel refused a binfmt_misc read or write. */
export class KernelError extends QusError {
  readonly code: string | undefined;
  readonly path: string;
  constructor(
    message: string,
    path: string,
    code: string | undefined,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.path = path;
    this.code = code;
  }
}

/** Another qus holds the apply lock. */
export class LockError extends QusError {}

/** A saved plan no longer matches the live state it was made from. */
export class StalePlanError extends QusError {}

/** The user declined, or approval could not be asked for. */
export class ApprovalError extends QusError {}

/** No config file was given and none was found where qus looks. */
export class ConfigNotFoundError extends ConfigError {}
