// The progress lines: a download with bytes, percent, speed and time left; signature checks and
// extractions (bytes read, never a percentage) named while they run and once when done.
import { describe as group, expect, it } from "vitest";
import { describe, formatBytes, PhaseLog } from "../../src/cli/phase-log.js";

const event = (receivedBytes: number, totalBytes: number | null) => ({
  label: "qemu-user_10.0.deb",
  receivedBytes,
  totalBytes,
});

group("download progress line", () => {
  it("shows bytes, percent, speed and time left once time has passed", () => {
    expect(describe(event(10_000_000, 40_000_000), 2000)).toBe(
      "qemu-user_10.0.deb: 10.0 MB / 40.0 MB (25%), 5.0 MB/s, 6 s left",
    );
  });

  it("no speed or time left in the first instant, nor time left when done or size unknown", () => {
    expect(describe(event(1000, 40_000_000), 0)).toBe("qemu-user_10.0.deb: 1.0 kB / 40.0 MB (0%)");
    expect(describe(event(40_000_000, 40_000_000), 4000)).toBe(
      "qemu-user_10.0.deb: 40.0 MB / 40.0 MB (100%), 10.0 MB/s",
    );
    expect(describe(event(3_000_000, null), 1000)).toBe("qemu-user_10.0.deb: 3.0 MB, 3.0 MB/s");
  });

  it("formats bytes in decimal units", () => {
    expect([formatBytes(999), formatBytes(1500), formatBytes(2_500_000)]).toEqual([
      "999 B",
      "1.5 kB",
      "2.5 MB",
    ]);
  });
});

group("phase log", () => {
  const deb = "qemu-user_10.0.deb";
  const download = (receivedBytes: number) => ({
    label: deb,
    receivedBytes,
    totalBytes: 40_000_000,
  });
  const extract = (state: "start" | "progress" | "done", doneBytes: number, detail?: string) => ({
    phase: "extract" as const,
    label: deb,
    state,
    doneBytes,
    totalBytes: 40_000_000,
    detail,
  });

  it("a download is live until its last byte, then one finished line, said once", () => {
    const log = new PhaseLog();
    expect(log.download(download(0), 1000)).toBeNull();
    expect(log.download(download(20_000_000), 3000)).toBeNull();
    expect(log.lines(3000)).toEqual([
      `Downloading ${deb}: 20.0 MB / 40.0 MB (50%), 10.0 MB/s, 2 s left`,
    ]);
    const done = `Downloaded ${deb} (40.0 MB in 4.0 s, 10.0 MB/s)`;
    expect(log.download(download(40_000_000), 5000)).toBe(done);
    expect(log.download(download(40_000_000), 5100)).toBeNull();
    expect(log.lines(5100)).toEqual([done]);
  });

  it("an extraction shows bytes read, never a percentage, and ends with what it extracted", () => {
    const log = new PhaseLog();
    log.download(download(40_000_000), 0);
    expect(log.phase(extract("start", 0), 0)).toBeNull();
    expect(log.phase(extract("progress", 40_000_000), 1000)).toBeNull();
    const live = log.lines(1000);
    expect(live.at(-1)).toBe(`Extracting from ${deb}: 40.0 MB of 40.0 MB read`);
    expect(live.join("\n")).not.toContain("%");
    expect(log.phase(extract("done", 40_000_000, "qemu-aarch64"), 1500)).toBe(
      `Extracted qemu-aarch64 from ${deb} (40.0 MB of 40.0 MB read in 1.5 s)`,
    );
    expect(log.lines(1500)).toHaveLength(2);
  });

  it("an index search shows bytes read while it runs, then what it found", () => {
    const log = new PhaseLog();
    const index = "trixie main/binary-amd64/Packages.xz";
    const search = (state: "start" | "progress" | "done", doneBytes: number, detail?: string) => ({
      phase: "index" as const,
      label: index,
      state,
      doneBytes,
      totalBytes: 9_000_000,
      detail,
    });
    log.phase(search("start", 0), 0);
    log.phase(search("progress", 4_500_000), 400);
    expect(log.lines(400)).toEqual([`Searching ${index}: 4.5 MB of 9.0 MB read`]);
    expect(log.phase(search("done", 9_000_000, "found qemu-user 1:10.0.2+ds-1"), 800)).toBe(
      `Searched ${index}: found qemu-user 1:10.0.2+ds-1 (0.8 s)`,
    );
  });

  it("a signature check is named while it runs and with its result", () => {
    const log = new PhaseLog();
    const check = (state: "start" | "done", detail?: string) => ({
      phase: "verify" as const,
      label: "trixie InRelease",
      state,
      detail,
    });
    log.phase(check("start"), 0);
    expect(log.lines(0)).toEqual(["Checking the signature of trixie InRelease"]);
    expect(log.phase(check("done", "good signature by key 0123456789ABCDEF"), 10)).toBe(
      "Checked trixie InRelease: good signature by key 0123456789ABCDEF",
    );
    expect(log.lines(10)).toHaveLength(1);
  });
});
