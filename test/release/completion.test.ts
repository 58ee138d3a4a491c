// The completion scripts and the man page as shells and man load them: `qus pl` completes to
// `plan` in bash and fish, zsh loads its script, and groff renders the page without a warning.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manPage } from "../../src/completion/man-page.js";
import { runCli } from "../helpers/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "qus-completion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function script(shell: string): Promise<string> {
  const r = await runCli(["completion", shell]);
  expect(r.code).toBe(0);
  const file = join(dir, `qus.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

describe("qus completion", () => {
  it("bash: qus pl completes to plan, init --source to the sources", async () => {
    const file = await script("bash");
    const r = spawnSync(
      "bash",
      [
        "-c",
        `source "$1"; COMP_WORDS=(qus pl); COMP_CWORD=1; _qus; echo "\${COMPREPLY[*]}"; COMP_WORDS=(qus init --source ""); COMP_CWORD=3; _qus; echo "\${COMPREPLY[*]}"; COMP_WORDS=(qus apply --v); COMP_CWORD=2; _qus; echo "\${COMPREPLY[*]}"`,
        "bash",
        file,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("plan\ndebian fedora local\n--verify\n");
  });

  it("fish: qus pl completes to plan", async () => {
    const file = await script("fish");
    const r = spawnSync("fish", ["-c", `source ${file}; complete -C 'qus pl'`], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^plan\tshow what apply would change$/m);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("zsh: the script loads under compinit", async () => {
    const file = await script("zsh");
    const r = spawnSync(
      "zsh",
      ["-fc", `autoload -U compinit && compinit -u && source ${file} && echo \${_comps[qus]}`],
      { encoding: "utf8", env: { ...process.env, HOME: dir } },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("_qus");
  });

  it("refuses a shell it has no script for", async () => {
    const r = await runCli(["completion", "tcsh"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no completion script for the shell "tcsh"/);
  });
});

describe("the man page", () => {
  it("renders with groff without a warning, listing every command", async () => {
    const page = join(dir, "qus.1");
    writeFileSync(page, manPage("1.2.3", "2026-01-01"));
    const r = spawnSync("groff", ["-ww", "-man", "-Tutf8", "-P-cbou", page], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    for (const command of ["plan", "apply", "destroy", "completion", "init"]) {
      expect(r.stdout).toContain(`qus ${command} [options]`);
    }
  });
});
