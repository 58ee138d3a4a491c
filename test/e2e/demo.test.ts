// The README's quick start: `qus demo` plans, applies, runs a foreign binary, shows the
// guest-compatibility probes and plans again in a namespace of its own, and leaves nothing behind
// on the host. Given emulators too old for today's guests, it says which probe fails and exits 1.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { fixturesDir, foreignBusybox, requireFixtures, runCli } from "../helpers/fixtures.js";
import { generationDir } from "../helpers/generations.js";

/** The demo's emulators, as `npm run demo` passes them: Debian's current trixie-backports QEMU. */
const CURRENT_EMULATORS = join(fixturesDir(), "generations", "trixie-backports");

it("runs the whole job on the embedded default inside a private binfmt_misc", async () => {
  requireFixtures();
  const before = (await readdir(tmpdir())).filter((f) => f.startsWith("qus-demo-"));
  // Code caches on (they are off for tests) and sent to a directory of the test's: the demo and
  // the qus runs inside it must write none.
  const codeCache = await mkdtemp(join(tmpdir(), "qus-test-code-cache-"));
  const result = await runCli(
    ["demo", "--emulators", CURRENT_EMULATORS, "--binary", foreignBusybox()],
    {
      env: { NO_COLOR: "1", NODE_DISABLE_COMPILE_CACHE: undefined, NODE_COMPILE_CACHE: codeCache },
      timeoutMs: 120_000,
    },
  );
  expect(await readdir(codeCache)).toEqual([]);
  await rm(codeCache, { recursive: true });
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.code).toBe(0);
  const out = result.stdout;
  expect(out).toContain("Plan: 10 to add, 0 to change, 0 to destroy.");
  expect(out).toContain("Apply complete! Resources: 10 added, 0 changed, 0 destroyed.");
  expect(out).toMatch(/uname -m[^\n]*\naarch64\n/);
  // A current emulator: its version is shown, and no known issue is reported.
  expect(out).toMatch(/\+ qemu: +"11\.1\.3"/);
  expect(out).not.toContain("known issue");
  // The probes: every emulator answers openat2; only warnings and the expected clone3 remain.
  expect(out).toContain("$ qus verify --probes\n");
  expect(out).toContain("Verify: 5 passed, 0 failed.");
  for (const target of ["aarch64", "arm", "riscv64", "ppc64le", "s390x"]) {
    expect(out).toMatch(new RegExp(`\\nqemu-${target} +ok +missing +ok +ok +ok +missing +ok\\n`));
  }
  expect(out).toContain("Probes: 0 errors, 5 warnings.");
  expect(out.trimEnd().endsWith("No changes. binfmt_misc matches the configuration.")).toBe(true);
  expect((await readdir(tmpdir())).filter((f) => f.startsWith("qus-demo-"))).toEqual(before);
}, 180_000);

it("with bookworm's QEMU 7.2 the probes name openat2 and the demo exits 1", async () => {
  requireFixtures();
  const result = await runCli(
    ["demo", "--emulators", generationDir("bookworm"), "--binary", foreignBusybox()],
    { env: { NO_COLOR: "1" }, timeoutMs: 120_000 },
  );
  expect(result.stdout).toMatch(
    /\nqemu-aarch64 +missing +missing +ok +ok +missing +missing +missing\n/,
  );
  expect(result.stdout).toContain("Probes: 5 errors, 15 warnings.");
  expect(result.stderr).toContain(
    "Error: guest-compatibility probes failed: qemu-aarch64 (aarch64): openat2 missing,",
  );
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.code).toBe(1);
}, 180_000);
