// The words `qus run` prints when it has handed its process to the namespace's scripts: each way
// the setup can fail, run by a real sh, prints exactly what the Node process would have printed
// for the same failure (the e2e tests reach the failures a test can cause for real).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { qusErrorText } from "../../src/cli/error-text.js";
import { handOverScripts, shellQuote } from "../../src/run/exec-namespace.js";
import { setupFailure } from "../../src/run/namespace.js";
import { colourStyle } from "../../src/views/style.js";

const COMMAND = `./it's "odd" $(true) \\`;

/** Calls the setup script's `fail` as its body would, in a real sh. */
function fail(args: string, style = false): { status: number | null; stderr: string } {
  const render = style
    ? (e: Parameters<typeof qusErrorText>[0]) => qusErrorText(e, colourStyle)
    : qusErrorText;
  const { setup } = handOverScripts((e) => render(e), COMMAND, "6.1.0");
  const functions = setup.slice(0, setup.indexOf("started()"));
  const run = spawnSync("sh", ["-c", `${functions}\nfail ${args}\necho not reached`], {
    encoding: "utf8",
  });
  return { status: run.status, stderr: run.stderr + run.stdout };
}

describe("qus run's hand-over scripts", () => {
  it("print each setup failure as qus does, and exit 1", () => {
    const cases: Array<[string, string]> = [
      [
        `private "it is the host's instance 0:52" 125`,
        qusErrorText(setupFailure.notPrivate("it is the host's instance 0:52")),
      ],
      ["register qemu-aarch64 125", qusErrorText(setupFailure.register("qemu-aarch64"))],
      [`mount "" 125`, qusErrorText(setupFailure.noPrivateInstance("6.1.0"))],
      [`notfound "" 127`, qusErrorText(setupFailure.notFound(COMMAND))],
    ];
    for (const [args, expected] of cases)
      expect(fail(args)).toEqual({ status: 1, stderr: expected });
  });

  it("keep the terminal's colours of the report", () => {
    expect(fail(`notfound "" 127`, true).stderr).toBe(
      qusErrorText(setupFailure.notFound(COMMAND), colourStyle),
    );
  });

  it("quote any text as one shell word", () => {
    for (const text of ["", "plain", "it's", `a 'b' "c" $d \`e\` \\ \n f`]) {
      const run = spawnSync("sh", ["-c", `printf '%s' ${shellQuote(text)}`], { encoding: "utf8" });
      expect(run.stdout).toBe(text);
    }
  });
});
