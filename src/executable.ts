// Whether qus runs as the standalone executable, and how it starts itself again (qus demo re-runs
// qus inside its namespace): `node script.js` for the npm package and the bundle, the executable
// alone for the standalone build, whose first argument is already the user's (a Single
// Executable Application runs no script path).

// Why: the executable loads configs and re-runs itself differently from the npm package.
/** True inside the standalone executable (a single executable application). */
export async function inStandaloneExecutable(): Promise<boolean> {
  // node:sea is missing before Node 20.12: there qus is never an executable.
  return import("node:sea").then(
    (sea) => sea.isSea(),
    () => false,
  );
}

// Why: re-running `process.argv[1]` inside the standalone executable ran a user argument as qus.
/** The argv prefix that runs this same qus: [node, script] or [qus-executable]. */
export async function selfCommand(): Promise<[string, ...string[]]> {
  if (await inStandaloneExecutable()) return [process.execPath];
  const script = process.argv[1];
  if (script === undefined || script === "") return [process.execPath];
  return [process.execPath, script];
}
