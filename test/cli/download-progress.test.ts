// The download line: bytes, percent, speed and time left, from the bytes seen and the time spent.
import { describe as group, expect, it } from "vitest";
import { describe, formatBytes } from "../../src/cli/download-progress.js";

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
