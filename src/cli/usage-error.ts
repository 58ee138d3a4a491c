// The error for a command line qus cannot understand, shared by the parser's parts.
import { QusError } from "../errors.js";

// Why: a usage mistake always points at --help, whichever part of the parser found it.
/** The command line could not be understood; says what, and where help is. */
export class UsageError extends QusError {
  constructor(message: string) {
    super(message, { hint: "run qus --help for usage" });
  }
}
