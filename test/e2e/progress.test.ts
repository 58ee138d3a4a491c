// The progress display of a cold install through the built CLI, from the loopback signed mirror:
// every phase is named (download, signature check, index search, extraction, install) in order;
// without a terminal one line per step (what CI logs keep), on a pseudo-terminal a live display
// that never shows a download at 100% while the package is being extracted.
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  debianMirror,
  startMirrorServer,
  type DebianMirrorFixture,
  type MirrorServer,
} from "../helpers/debian-mirror.js";
import { cliPath } from "../helpers/fixtures.js";
import { baseConfig, openHarness, type Harness } from "./harness.js";

let mirror: DebianMirrorFixture;
let server: MirrorServer;
let h: Harness;

beforeAll(async () => {
  mirror = await debianMirror();
  server = await startMirrorServer(mirror);
}, 300_000);
afterAll(async () => server?.stop());
beforeEach(async () => {
  h = await openHarness();
  await h.writeConfig(
    baseConfig(h.dir, {
      targets: ["aarch64", "riscv64"],
      source: {
        type: "debian",
        suite: "bookworm",
        security: false,
        mirror: server.url,
        keyring: mirror.trustedKeyring,
      },
      cacheDir: join(h.dir, "cache"),
    }),
  );
});
afterEach(async () => h?.close());

const deb = () => mirror.bookwormStatic.filename.split("/").pop() as string;

/** The position of each pattern in `text`, failing on the first one missing. */
function positions(text: string, patterns: readonly RegExp[]): number[] {
  return patterns.map((pattern) => {
    const at = text.search(pattern);
    expect(at, `${pattern} in:\n${text}`).toBeGreaterThanOrEqual(0);
    return at;
  });
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("cold install progress", () => {
  it("without a terminal: one line per phase, in order, no progress lines", async () => {
    const apply = await h.qus("apply", "--auto-approve");
    expect(apply.code).toBe(0);
    const lines = apply.stderr.split("\n");
    const file = literal(deb());
    const phases = [
      /^Downloaded bookworm InRelease \(1\.\d kB in \d+\.\d s/m,
      /^Checked bookworm InRelease: good signature by key [0-9A-F]{16}$/m,
      /^Downloaded bookworm main\/binary-\w+\/Packages\.xz \(/m,
      /^Searched bookworm main\/binary-\w+\/Packages\.xz: found qemu-user-static 1:7\.2/m,
      new RegExp(
        `^Downloaded ${file} \\(62\\.\\d MB in \\d+\\.\\d s(, [\\d.]+ [kM]?B/s)?\\)$`,
        "m",
      ),
      new RegExp(
        `^Extracted qemu-aarch64, qemu-riscv64 from ${file} \\([\\d.]+ MB of 62\\.\\d MB read in \\d+\\.\\d s\\)$`,
        "m",
      ),
      /^\[STARTED\] Install emulator .*\/emulators\/qemu-aarch64$/m,
      /^\[COMPLETED\] Register qemu-riscv64$/m,
    ];
    const at = positions(apply.stderr, phases);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // Each step once: no live lines, no repeated progress in a log.
    expect(lines.filter((l) => l.startsWith(`Downloaded ${deb()}`))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("Extracted "))).toHaveLength(1);
    expect(apply.stderr).not.toMatch(/Downloading |Searching |Extracting |Checking |%/);
  });

  it("on a terminal: live phases, and no 100% while the package is extracted", async () => {
    // `script` gives qus a pseudo-terminal; stty gives it a width, as a real terminal has.
    const run = await h.sh(
      `env -u NO_COLOR TERM=xterm script -qec "stty cols 160 rows 50; ${process.execPath} ${cliPath()} apply --auto-approve" /dev/null`,
    );
    expect(run.code).toBe(0);
    // log-update repaints by erasing lines and moving to column 1: each repaint is one frame.
    const frames = run.stdout
      .split(/\x1b\[2K(?:\x1b\[1A\x1b\[2K)*\x1b\[G/)
      .map((frame) => frame.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replaceAll("\r", ""));
    const downloading = frames.filter((f) => f.includes(`Downloading ${deb()}`));
    const extracting = frames.filter((f) => f.includes(`Extracting from ${deb()}`));
    expect(downloading.length).toBeGreaterThan(0);
    expect(downloading.some((f) => /\(\d+%\)/.test(f))).toBe(true);
    expect(extracting.length).toBeGreaterThan(0);
    for (const frame of extracting) {
      expect(frame).not.toContain("100%");
      expect(frame).not.toContain(`Downloading ${deb()}`);
      // The download is shown finished, the extraction with its bytes read so far.
      expect(frame).toContain(`Downloaded ${deb()}`);
      expect(frame).toMatch(
        new RegExp(`Extracting from ${literal(deb())}: [\\d.]+ [kM]?B of 62\\.\\d MB read`),
      );
    }
    // What stays on screen: every phase in order, then the install steps.
    const screen = frames.at(-1) ?? "";
    const at = positions(frames.join(""), [
      /Checked bookworm InRelease: good signature/,
      new RegExp(`Downloaded ${literal(deb())}`),
      new RegExp(`Extracted qemu-aarch64, qemu-riscv64 from ${literal(deb())}`),
      /Install emulator .*qemu-aarch64/,
      /Register qemu-riscv64/,
    ]);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(screen).toContain("Apply complete!");
  });
});
