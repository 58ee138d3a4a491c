// The completion script for one shell (the command loads only this module and the generator).
import { bashCompletion } from "./bash.js";
import { fishCompletion } from "./fish.js";
import type { CompletionShell } from "./words.js";
import { zshCompletion } from "./zsh.js";

/** The completion script `qus completion <shell>` prints. */
export function completionScript(shell: CompletionShell): string {
  switch (shell) {
    case "bash":
      return bashCompletion();
    case "zsh":
      return zshCompletion();
    case "fish":
      return fishCompletion();
  }
}
