// The README's quick start: `qus demo` plans, applies, runs a foreign binary and plans again in
// a namespace of its own, and leaves nothing behind on the host.
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { fixturesDir, foreignBusybox, requireFixtures, runCli } from "../helpers/fixtures.js";

/** The demo's emulators, as `npm run demo` passes them: Debian's current trixie-backports QEMU. */
const CURRENT_EMULATORS = join(fixturesDir(), "generations", "trixie-backports");

it("runs the whole job on the embedded default inside a private binfmt_misc", async () => {
  requireFixtures();
  const before = (await readdir(tmpdir())).filter((f) => f.startsWith("qus-demo-"));
  const result = await runCli(
    ["demo", "--emulators", CURRENT_EMULATORS, "--binary", foreignBusybox()],
    {
      env: { NO_COLOR: "1" },
      timeoutMs: 120_000,
    },
  );
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.code).toBe(0);
  const out = result.stdout;
  expect(out).toContain("Plan: 10 to add, 0 to change, 0 to destroy.");
  expect(out).toContain("Apply complete! Resources: 10 added, 0 changed, 0 destroyed.");
  expect(out).toMatch(/uname -m[^\n]*\naarch64\n/);
  // A current emulator: its version is shown, and no known issue is reported.
  expect(out).toMatch(/\+ qemu: +"11\.1\.3"/);
  expect(out).not.toContain("known issue");
  expect(out.trimEnd().endsWith("No changes. binfmt_misc matches the configuration.")).toBe(true);
  expect((await readdir(tmpdir())).filter((f) => f.startsWith("qus-demo-"))).toEqual(before);
}, 180_000);
