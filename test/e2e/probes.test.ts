// `qus verify --probes` end to end against three real QEMU generations: the built CLI registers
// each generation's emulators (a local source on its directory) in a private binfmt_misc, runs
// the probe programs through the kernel, and tells the generations apart by exit status and
// levels: bookworm's 7.2 lacks openat2 (exit 1), trixie's 10.0 and trixie-backports' 11.1 only
// lack calls whose absence is a warning or expected (exit 0).
import { readFileSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROBES } from "../../src/currency/probes.js";
import { emulatorPath } from "../helpers/fixtures.js";
import { GENERATION_TARGETS, GENERATIONS, generationDir } from "../helpers/generations.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

interface ProbeJson {
  syscall: string;
  number: number;
  outcome: string;
  level: string;
  severity: string;
}

const validateVerify = new Ajv2020({ strict: true }).compile(
  JSON.parse(
    readFileSync(new URL("../../schemas/qus.verify.schema.json", import.meta.url), "utf8"),
  ) as object,
);

const MIPS_OFFSETS: Record<string, number> = { mips64el: 5000, mipsel: 4000, mipsn32el: 6000 };

describe("qus verify --probes on three QEMU generations", () => {
  it.each(GENERATIONS.map((g) => [g.suite, g] as const))(
    "%s: the matrix, the levels and the exit status",
    async (suite, generation) => {
      await h.writeConfig(
        baseConfig(h.dir, {
          targets: [...GENERATION_TARGETS],
          source: { type: "local", path: generationDir(suite) },
        }),
      );
      expect((await h.qus("apply", "--auto-approve")).code).toBe(0);

      const run = await h.qus("verify", "--probes", "--json");
      expect(run.stdout, `exit ${run.code}: ${run.stderr}`).not.toBe("");
      const doc = JSON.parse(run.stdout);
      expect(validateVerify(doc), JSON.stringify(validateVerify.errors)).toBe(true);
      const openat2Missing = (generation.missing as readonly string[]).includes("openat2");
      expect(run.code).toBe(openat2Missing ? 1 : 0);
      expect(doc.summary).toEqual({ passed: GENERATION_TARGETS.length, failed: 0 });

      for (const result of doc.results) {
        const answers = Object.fromEntries(
          (result.probes as ProbeJson[]).map((p) => [p.syscall, p.outcome]),
        );
        const expected = Object.fromEntries(
          PROBES.map((p) => [
            p.syscall,
            (generation.missing as readonly string[]).includes(p.syscall) ? "missing" : "supported",
          ]),
        );
        expect({ target: result.target, answers }).toEqual({
          target: result.target,
          answers: expected,
        });
        for (const probe of result.probes as ProbeJson[]) {
          const data = PROBES.find((p) => p.syscall === probe.syscall)!;
          expect(probe.number).toBe(data.number + (MIPS_OFFSETS[result.target] ?? 0));
          expect(probe.level).toBe(data.level);
          expect(probe.severity).toBe(probe.outcome === "missing" ? data.level : "ok");
        }
      }

      const errors = doc.probes.findings.filter(
        (f: { severity: string }) => f.severity === "error",
      );
      expect(
        errors.map((f: { target: string; syscall: string }) => `${f.target}:${f.syscall}`),
      ).toEqual(openat2Missing ? GENERATION_TARGETS.map((t) => `${t}:openat2`) : []);
      const warnings = generation.missing.filter(
        (s) => PROBES.find((p) => p.syscall === s)!.level === "warning",
      );
      expect(doc.probes.summary).toEqual({
        errors: errors.length,
        warnings: warnings.length * GENERATION_TARGETS.length,
        expected: GENERATION_TARGETS.length, // clone3 everywhere
      });
      if (openat2Missing) {
        expect(run.stderr).toBe(
          `Error: guest-compatibility probes failed: ${GENERATION_TARGETS.map((t) => `qemu-${t} (${t}): openat2 missing`).join(", ")}\n`,
        );
      } else expect(run.stderr).toBe("");

      const text = await h.qus("verify", "--probes");
      expect(text.code).toBe(run.code);
      expect(text.stdout).toMatch(
        /^ +openat2 +clone3 +close_range +faccessat2 +epoll_pwait2 +futex_waitv +fchmodat2$/m,
      );
      for (const syscall of warnings) {
        expect(text.stdout).toMatch(
          new RegExp(`^Warning: ${syscall} missing on qemu-aarch64, qemu-arm, .*: \\S`, "m"),
        );
      }
      expect(text.stdout).toMatch(
        /^Expected: clone3 missing on qemu-aarch64, .*glibc falls back to clone$/m,
      );
      if (openat2Missing)
        expect(text.stdout).toMatch(
          /^Error: openat2 missing on qemu-aarch64, .*GNU tar .*QEMU >=9\.2\.0 avoids it/m,
        );
      expect(text.stdout).toContain(
        `Probes: ${errors.length} error${errors.length === 1 ? "" : "s"}, ${warnings.length * GENERATION_TARGETS.length} warnings.`,
      );
    },
  );
});

describe("qus apply --verify --probes", () => {
  it("applies, verifies and probes; an error-level probe makes apply exit 1 after applying", async () => {
    const targets = ["aarch64", "mipsel"];
    await h.writeConfig(
      baseConfig(h.dir, {
        targets,
        source: { type: "local", path: generationDir("trixie-backports") },
      }),
    );
    const current = await h.qus("apply", "--auto-approve", "--verify", "--probes");
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(
      /Apply complete![\s\S]*Verify: 2 passed[\s\S]*Probes: 0 errors, 2 warnings\./,
    );

    await h.writeConfig(
      baseConfig(h.dir, { targets, source: { type: "local", path: generationDir("bookworm") } }),
    );
    const old = await h.qus("apply", "--auto-approve", "--verify", "--probes");
    expect(old.code).toBe(1);
    expect(old.stdout).toContain("Apply complete!");
    expect(old.stderr).toContain(
      "Error: guest-compatibility probes failed: qemu-aarch64 (aarch64): openat2 missing, qemu-mipsel (mipsel): openat2 missing",
    );
  });
});

describe("targets that cannot be probed", () => {
  it("a target whose test program fails is not probed, and says so; one without a program neither", async () => {
    // riscv64's "emulator" is really qemu-aarch64: registered fine, but it cannot run riscv64 code.
    const current = generationDir("trixie-backports");
    const broken = join(h.dir, "broken");
    await mkdir(broken);
    await copyFile(join(current, "qemu-aarch64-static"), join(broken, "qemu-aarch64-static"));
    await copyFile(join(current, "qemu-aarch64-static"), join(broken, "qemu-riscv64-static"));
    await copyFile(emulatorPath("sparc64"), join(broken, "qemu-sparc64-static"));
    await h.writeConfig(
      baseConfig(h.dir, {
        targets: ["aarch64", "riscv64", "sparc64"],
        source: { type: "local", path: broken },
      }),
    );
    expect((await h.qus("apply", "--auto-approve")).code).toBe(0);

    const run = await h.qus("verify", "--probes");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^qemu-aarch64 +ok +missing +ok/m);
    expect(run.stdout).toMatch(/^qemu-riscv64 +\(not probed: test program failed\)$/m);
    expect(run.stdout).toMatch(/^qemu-sparc64 +\(not probed: no probe program for sparc64\)$/m);
    expect(run.stderr).toBe("Error: verification failed for qemu-riscv64 (riscv64)\n");
    const doc = JSON.parse((await h.qus("verify", "--probes", "--json")).stdout);
    expect(doc.results.map((r: { probes?: unknown[] }) => r.probes?.length)).toEqual([
      PROBES.length,
      undefined,
      undefined,
    ]);
  });
});
