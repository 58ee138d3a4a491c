// The known-issues table: which emulators each issue affects, by upstream version and target.
import validRange from "semver/ranges/valid.js";
import intersects from "semver/ranges/intersects.js";
import satisfies from "semver/functions/satisfies.js";
import { describe, expect, it } from "vitest";
import {
  KNOWN_ISSUES,
  SYSCALL_ABSENCE,
  knownIssueById,
  knownIssuesFor,
} from "../../src/currency/known-issues.js";
import { upstreamOfPackageVersion } from "../../src/currency/qemu-version.js";

const ids = (version: string, target: string) => knownIssuesFor(version, target).map((i) => i.id);

describe("knownIssuesFor", () => {
  it("flags openat2 on every target before 9.2, not from 9.2 on", () => {
    expect(ids("7.2.22", "aarch64")).toEqual(["openat2-missing"]);
    expect(ids("9.1.3", "riscv64")).toEqual(["openat2-missing"]);
    expect(ids("9.2.0-rc.1", "arm")).toEqual(["openat2-missing"]);
    expect(ids("9.2.0", "aarch64")).toEqual([]);
    expect(ids("11.1.3", "s390x")).toEqual([]);
  });

  it("flags x86-64-v2 guests only for the x86_64 target before 7.2", () => {
    expect(ids("7.1.0", "x86_64")).toEqual(["x86-64-v2-cpu", "openat2-missing"]);
    expect(ids("7.1.0", "aarch64")).toEqual(["openat2-missing"]);
    expect(ids("7.2.0", "x86_64")).toEqual(["openat2-missing"]);
  });

  it("takes the upstream version of a package (Debian bookworm's 7.2 is affected)", () => {
    const bookworm = upstreamOfPackageVersion("1:7.2+dfsg-7+deb12u18+b3");
    expect(bookworm).toBeDefined();
    expect(knownIssuesFor(bookworm!, "aarch64").map((i) => i.id)).toEqual(["openat2-missing"]);
  });

  it("knows nothing about a version it cannot read", () => {
    expect(knownIssuesFor("not a version", "aarch64")).toEqual([]);
  });
});

describe("the table", () => {
  it("has unique ids, valid ranges, and an avoiding range disjoint from the affected one", () => {
    expect(new Set(KNOWN_ISSUES.map((i) => i.id)).size).toBe(KNOWN_ISSUES.length);
    for (const issue of KNOWN_ISSUES) {
      expect(validRange(issue.affected), issue.id).not.toBeNull();
      expect(validRange(issue.avoidedBy), issue.id).not.toBeNull();
      expect(intersects(issue.affected, issue.avoidedBy), issue.id).toBe(false);
      expect(issue.link).toMatch(/^https:\/\//);
      expect(issue.symptom).not.toContain("\n");
    }
  });

  it("writes each affected range as space-separated comparators, matching as semver's ranges do", () => {
    const versions = [
      "6.2.0",
      "7.1.9",
      "7.2.0",
      "7.2.22",
      "9.2.0-rc.1",
      "9.2.0",
      "10.0.3",
      "11.1.3",
    ];
    for (const issue of KNOWN_ISSUES) {
      expect(issue.affected, issue.id).toMatch(
        /^(?:[<>]=?\d+\.\d+\.\d+)(?: [<>]=?\d+\.\d+\.\d+)*$/,
      );
      for (const version of versions) {
        const target = issue.targets === "all" ? "aarch64" : (issue.targets[0] as string);
        const listed = knownIssuesFor(version, target).includes(issue);
        expect(listed, `${issue.id} at ${version}`).toBe(
          satisfies(version, issue.affected, { includePrerelease: true }),
        );
      }
    }
  });

  it("ties every syscall absence to an existing issue, openat2 at error level", () => {
    for (const absence of SYSCALL_ABSENCE) {
      if (absence.issue !== undefined) expect(knownIssueById(absence.issue)).toBeDefined();
    }
    expect(SYSCALL_ABSENCE.find((a) => a.syscall === "openat2")?.level).toBe("error");
    expect(SYSCALL_ABSENCE.find((a) => a.syscall === "clone3")?.level).toBe("expected");
  });
});

describe("currentQemuRange", () => {
  it("is the range that avoids every issue affecting all targets: 9.2 and later today", async () => {
    const { currentQemuRange } = await import("../../src/currency/current.js");
    const range = currentQemuRange();
    expect(range).toBe(">=9.2.0");
    for (const issue of KNOWN_ISSUES.filter((i) => i.targets === "all"))
      expect(intersects(range, issue.affected), issue.id).toBe(false);
  });
});

describe("the README", () => {
  it("documents every known issue, with its report", async () => {
    const { readFile } = await import("node:fs/promises");
    const { projectRoot } = await import("../helpers/fixtures.js");
    const { join } = await import("node:path");
    const readme = await readFile(join(projectRoot, "README.md"), "utf8");
    for (const issue of KNOWN_ISSUES) {
      expect(readme, issue.id).toContain(`| \`${issue.id}\``);
      expect(readme, issue.id).toContain(issue.link);
    }
  });
});
