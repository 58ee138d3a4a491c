// How qus starts itself again (qus demo re-runs qus inside its namespace): `node script.js` for
// the npm package and the bundle, the executable alone for the standalone build, whose first
// argument is already the user's (a Single Executable Application runs no script path).
import { isSea } from "node:sea";

// Why: re-running `process.argv[1]` inside the standalone executable ran a user argument as qus.
/** The argv prefix that runs this same qus: [node, script] or [qus-executable]. */
export function selfCommand(): [string, ...string[]] {
  if (isSea()) return [process.execPath];
  const script = process.argv[1];
  if (script === undefined || script === "") return [process.execPath];
  return [process.execPath, script];
}
