// Which suites have a `-security` companion: only those get it consulted (and a warning when it
// is missing); backports, sid, experimental and the update suites have none.
import { describe, expect, test } from "vitest";
import { securityEnabled } from "../../../src/sources/debian/config.js";

describe("securityEnabled", () => {
  test("releases consult their security suite", () => {
    for (const suite of ["bookworm", "trixie", "stable", "testing", "forky"])
      expect(securityEnabled(suite), suite).toBe(true);
  });

  test("suites without one are not asked for it, so they get no warning about it", () => {
    for (const suite of [
      "sid",
      "unstable",
      "experimental",
      "bookworm-backports",
      "bookworm-backports-sloppy",
      "trixie-updates",
      "bookworm-proposed-updates",
      "proposed-updates",
      "stable-backports",
    ])
      expect(securityEnabled(suite), suite).toBe(false);
  });

  test("the config's choice wins", () => {
    expect(securityEnabled("trixie-backports", true)).toBe(true);
    expect(securityEnabled("trixie", false)).toBe(false);
  });
});
