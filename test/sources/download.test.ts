import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SourceError } from "../../src/errors.js";
import { BlobCache } from "../../src/sources/cache.js";
import {
  downloadToCache,
  fetchBytes,
  HttpStatusError,
  type DownloadPolicy,
} from "../../src/sources/download.js";
import type { ProgressEvent } from "../../src/sources/types.js";
import {
  debianMirror,
  startMirrorServer,
  type DebianMirrorFixture,
  type MirrorServer,
} from "../helpers/debian-mirror.js";
import { tempDirs } from "./temp-dirs.js";

const makeDir = tempDirs();

const POLICY: DownloadPolicy = {
  responseTimeoutMs: 400,
  idleTimeoutMs: 400,
  retries: 2,
  retryDelayMs: 5,
  maxBytes: 64 * 1024 * 1024,
  progressIntervalMs: 0,
};

let mirror: DebianMirrorFixture;
let server: MirrorServer;
let cacheDir: string;
beforeAll(async () => {
  mirror = await debianMirror();
  server = await startMirrorServer(mirror);
});
afterAll(async () => server.stop());
beforeEach(async () => {
  server.reset();
  cacheDir = await makeDir("qus-download-");
});

const IN_RELEASE = /\/dists\/trixie\/InRelease$/;
const DEB = /qemu-user_10\.0\.2\+ds-1_amd64\.deb$/;
const inReleaseUrl = () => `${server.url}/dists/trixie/InRelease`;
const debUrl = () => `${server.url}/${mirror.trixieUser.filename}`;
const requests = (pattern: RegExp) => server.log.filter((r) => pattern.test(r.path));
const leftovers = async () => readdir(join(cacheDir, "sha256")).catch(() => [] as string[]);

describe("fetchBytes", () => {
  test("downloads a file and reports progress up to its full size", async () => {
    const events: ProgressEvent[] = [];
    const bytes = await fetchBytes(
      { url: inReleaseUrl(), label: "InRelease", onProgress: (e) => events.push(e) },
      POLICY,
    );
    expect(
      Buffer.from(bytes).equals(await readFile(join(mirror.root, "dists", "trixie", "InRelease"))),
    ).toBe(true);
    expect(events.at(-1)).toEqual({
      label: "InRelease",
      receivedBytes: bytes.length,
      totalBytes: bytes.length,
    });
  });

  test("a body sent without Content-Length ends with an event that gives its size", async () => {
    const chunked = createServer((_request, response) => {
      response.write("first ");
      response.end("second");
    });
    await new Promise<void>((resolve) => chunked.listen(0, "127.0.0.1", resolve));
    const { port } = chunked.address() as AddressInfo;
    const events: ProgressEvent[] = [];
    try {
      await fetchBytes(
        { url: `http://127.0.0.1:${port}/x`, label: "x", onProgress: (e) => events.push(e) },
        POLICY,
      );
    } finally {
      chunked.close();
    }
    expect(events[0]?.totalBytes).toBeNull();
    expect(events.at(-1)).toEqual({ label: "x", receivedBytes: 12, totalBytes: 12 });
  });

  test("does not retry a 404 and says which URL failed", async () => {
    const error = await fetchBytes(
      { url: `${server.url}/dists/nosuch/InRelease`, label: "x" },
      POLICY,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(404);
    expect((error as Error).message).toContain("/dists/nosuch/InRelease");
    expect(server.log).toHaveLength(1);
  });

  test("retries server errors with backoff and succeeds when the server recovers", async () => {
    server.faults = [{ path: IN_RELEASE, kind: "status", status: 500, times: 2 }];
    await expect(fetchBytes({ url: inReleaseUrl(), label: "x" }, POLICY)).resolves.toBeInstanceOf(
      Uint8Array,
    );
    expect(requests(IN_RELEASE).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  test("gives up after the configured retries with the last error", async () => {
    server.faults = [{ path: IN_RELEASE, kind: "status", status: 503 }];
    await expect(fetchBytes({ url: inReleaseUrl(), label: "x" }, POLICY)).rejects.toThrow(
      /failed after 3 attempts: HTTP 503/,
    );
    expect(requests(IN_RELEASE)).toHaveLength(3);
  });

  test("times out a server that does not answer, and retries", async () => {
    server.faults = [{ path: IN_RELEASE, kind: "delay", ms: 1500 }];
    await expect(fetchBytes({ url: inReleaseUrl(), label: "x" }, POLICY)).rejects.toThrow(
      /no response within 400 ms/,
    );
    expect(requests(IN_RELEASE)).toHaveLength(3);
  });

  test("enforces the byte limit", async () => {
    await expect(
      fetchBytes({ url: inReleaseUrl(), label: "x" }, { ...POLICY, maxBytes: 100 }),
    ).rejects.toThrow(/more than the 100 allowed/);
  });
});

describe("downloadToCache", () => {
  const expected = () => ({ sha256: mirror.trixieUser.sha256, size: mirror.trixieUser.size });

  test("streams a package into the cache, verified", async () => {
    const cache = new BlobCache(cacheDir);
    const blob = await downloadToCache({ url: debUrl(), label: "deb" }, cache, expected(), POLICY);
    expect(blob.path).toBe(join(cacheDir, "sha256", mirror.trixieUser.sha256));
    expect(await leftovers()).toEqual([mirror.trixieUser.sha256]);
  });

  test("makes no request when the blob is already cached", async () => {
    const cache = new BlobCache(cacheDir);
    await downloadToCache({ url: debUrl(), label: "deb" }, cache, expected(), POLICY);
    server.log.length = 0;
    await downloadToCache({ url: debUrl(), label: "deb" }, cache, expected(), POLICY);
    expect(server.log).toHaveLength(0);
  });

  test("refuses modified bytes without retrying and leaves no file", async () => {
    server.faults = [{ path: DEB, kind: "flip", offset: 5000 }];
    const error = await downloadToCache(
      { url: debUrl(), label: "deb" },
      new BlobCache(cacheDir),
      expected(),
      POLICY,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain(
      `SHA-256 mismatch: expected ${mirror.trixieUser.sha256}, got `,
    );
    expect(requests(DEB)).toHaveLength(1);
    expect(await leftovers()).toEqual([]);
  });

  test("refuses a response of the wrong size before reading it", async () => {
    server.faults = [{ path: DEB, kind: "append", bytes: 10 }];
    await expect(
      downloadToCache({ url: debUrl(), label: "deb" }, new BlobCache(cacheDir), expected(), POLICY),
    ).rejects.toThrow(
      `the server sends ${mirror.trixieUser.size + 10} bytes, but ${mirror.trixieUser.size} are expected`,
    );
    expect(await leftovers()).toEqual([]);
  });

  test("retries a body cut short and succeeds on the next attempt", async () => {
    server.faults = [{ path: DEB, kind: "truncate", afterBytes: 1_000_000, times: 1 }];
    await downloadToCache(
      { url: debUrl(), label: "deb" },
      new BlobCache(cacheDir),
      expected(),
      POLICY,
    );
    expect(requests(DEB)).toHaveLength(2);
    expect(await leftovers()).toEqual([mirror.trixieUser.sha256]);
  });

  test("fails on a body that is always cut short, leaving no partial file", async () => {
    server.faults = [{ path: DEB, kind: "truncate", afterBytes: 1_000_000 }];
    await expect(
      downloadToCache({ url: debUrl(), label: "deb" }, new BlobCache(cacheDir), expected(), POLICY),
    ).rejects.toThrow(/failed after 3 attempts/);
    expect(requests(DEB)).toHaveLength(3);
    expect(await leftovers()).toEqual([]);
  });

  test("a disk slower than the idle deadline does not time out the download (the deadline is the network's)", async () => {
    // The cache's writer, each write held 600 ms once a fifth of the file is in (a disk busy
    // syncing): longer than POLICY's 400 ms idle deadline, while the server sends on.
    class SlowDiskCache extends BlobCache {
      override async createWriter() {
        const writer = await super.createWriter();
        let written = 0;
        return {
          get tempPath() {
            return writer.tempPath;
          },
          get size() {
            return writer.size;
          },
          write: async (chunk: Uint8Array) => {
            written += chunk.length;
            if (
              written > mirror.trixieUser.size / 5 &&
              written - chunk.length <= mirror.trixieUser.size / 5
            )
              await new Promise((resolve) => setTimeout(resolve, 600));
            await writer.write(chunk);
          },
          commit: writer.commit.bind(writer),
          abort: writer.abort.bind(writer),
        };
      }
    }
    const blob = await downloadToCache(
      { url: debUrl(), label: "deb" },
      new SlowDiskCache(cacheDir),
      expected(),
      { ...POLICY, retries: 0 },
    );
    expect(blob.sha256).toBe(mirror.trixieUser.sha256);
    expect(requests(DEB)).toHaveLength(1);
  });

  test("times out a body that stalls", async () => {
    server.faults = [{ path: DEB, kind: "stall", afterBytes: 500_000, ms: 1500 }];
    await expect(
      downloadToCache({ url: debUrl(), label: "deb" }, new BlobCache(cacheDir), expected(), {
        ...POLICY,
        retries: 0,
      }),
    ).rejects.toThrow(/no data for 400 ms/);
    expect(await leftovers()).toEqual([]);
  });
});
