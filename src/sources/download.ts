// HTTP downloads (http-get.ts): a deadline for the response to
// start and for each gap between chunks, bounded retries with backoff on network errors and 5xx,
// never on 4xx, a byte limit, progress events, and bodies streamed into the cache while hashed (a
// 60 MB .deb is never held in memory). Like Node 20's fetch, it ignores HTTP(S)_PROXY.
import { setTimeout as sleep } from "node:timers/promises";
import { SourceError } from "../errors.js";
import type { BlobCache, CachedBlob, ExpectedDigest } from "./cache.js";
import { httpGet, type HttpResponse } from "./http-get.js";
import type { ProgressEvent } from "./types.js";

/** Timeouts, retries and limits for downloads; tests shorten them. */
export interface DownloadPolicy {
  /** Time allowed until response headers arrive. */
  readonly responseTimeoutMs: number;
  /** Longest pause allowed between two chunks of the body. */
  readonly idleTimeoutMs: number;
  /** Extra attempts after the first, on network errors, timeouts and 5xx. */
  readonly retries: number;
  /** First backoff delay; doubled each retry (capped at 8x). */
  readonly retryDelayMs: number;
  /** Largest body accepted when no exact size is expected. */
  readonly maxBytes: number;
  /** Smallest gap between two progress events for one file. */
  readonly progressIntervalMs: number;
}

/** Defaults for real mirrors. */
export const DEFAULT_DOWNLOAD_POLICY: DownloadPolicy = {
  responseTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  retries: 3,
  retryDelayMs: 500,
  maxBytes: 512 * 1024 * 1024,
  progressIntervalMs: 100,
};

/** The server answered with an error status; 4xx are not retried. */
export class HttpStatusError extends SourceError {
  readonly status: number;
  readonly url: string;
  constructor(url: string, status: number, statusText: string) {
    super(`GET ${url} failed: HTTP ${status}${statusText === "" ? "" : ` ${statusText}`}`);
    this.status = status;
    this.url = url;
  }
}

/** A transient failure worth retrying (connection reset, timeout, truncated body, 5xx). */
class TransientError extends Error {}

/** Where the bytes go and what to report while they arrive. */
export interface DownloadTarget {
  readonly url: string;
  /** Shown in progress events and messages, e.g. the package file name. */
  readonly label: string;
  readonly onProgress?: (event: ProgressEvent) => void;
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && typeof message === "string" && !message.includes(code))
    return `${code} (${message})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * One attempt: GET the URL and hand each body chunk to `sink`. Timeouts, connection errors,
 * 5xx and bodies that end early become TransientError; 4xx become HttpStatusError.
 */
async function attempt(
  target: DownloadTarget,
  policy: DownloadPolicy,
  limit: number,
  expectedSize: number | undefined,
  sink: (chunk: Uint8Array) => Promise<void> | void,
): Promise<void> {
  const controller = new AbortController();
  let timedOut: string | null = null;
  let timer = setTimeout(() => {
    timedOut = `no response within ${policy.responseTimeoutMs} ms`;
    controller.abort();
  }, policy.responseTimeoutMs);
  const armIdle = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = `no data for ${policy.idleTimeoutMs} ms`;
      controller.abort();
    }, policy.idleTimeoutMs);
  };
  try {
    let response: HttpResponse;
    try {
      response = await httpGet(target.url, controller.signal);
    } catch (error) {
      if (error instanceof SourceError) throw error;
      throw new TransientError(timedOut ?? describe(error), { cause: error });
    }
    const { statusCode: status, statusMessage: statusText } = response;
    if (status < 200 || status > 299) response.close();
    if (status >= 500) throw new TransientError(`HTTP ${status} ${statusText}`);
    if (status < 200 || status > 299) throw new HttpStatusError(target.url, status, statusText);
    const announced = response.headers.get("content-length");
    const total = announced !== undefined && /^\d+$/.test(announced) ? Number(announced) : null;
    if (expectedSize !== undefined && total !== null && total !== expectedSize) {
      throw new SourceError(
        `GET ${target.url}: the server sends ${total} bytes, but ${expectedSize} are expected`,
      );
    }
    if (total !== null && total > limit) {
      throw new SourceError(`GET ${target.url}: ${total} bytes is more than the ${limit} allowed`);
    }
    const progressTotal = expectedSize ?? total;
    let received = 0;
    let lastReport = 0;
    // The last report gives the size even when the server did not announce it: the display
    // knows the download is finished.
    const report = (force: boolean, last = false): void => {
      if (target.onProgress === undefined) return;
      const now = Date.now();
      if (!force && now - lastReport < policy.progressIntervalMs) return;
      lastReport = now;
      target.onProgress({
        label: target.label,
        receivedBytes: received,
        totalBytes: last && progressTotal === null ? received : progressTotal,
      });
    };
    report(true);
    armIdle();
    try {
      // Each chunk is valid until the next is asked for: the sink copies or consumes it first.
      for await (const bytes of response.body) {
        // The idle deadline is the network's: not running while the sink (the disk) works.
        clearTimeout(timer);
        received += bytes.length;
        if (received > limit) {
          throw new SourceError(`GET ${target.url}: more than the ${limit} bytes expected`);
        }
        await sink(bytes);
        report(false);
        armIdle();
      }
    } catch (error) {
      if (error instanceof SourceError) throw error;
      throw new TransientError(
        timedOut ?? `connection lost after ${received} bytes: ${describe(error)}`,
        { cause: error },
      );
    }
    if (total !== null && received !== total) {
      throw new TransientError(`connection closed after ${received} of ${total} bytes`);
    }
    report(true, true);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

async function withRetries<T>(
  target: DownloadTarget,
  policy: DownloadPolicy,
  run: () => Promise<T>,
): Promise<T> {
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      if (attemptNumber >= policy.retries) {
        throw new SourceError(
          `GET ${target.url} failed after ${attemptNumber + 1} attempts: ${error.message}`,
          {
            cause: error,
            hint: "check the network and the mirror URL; qus retries network errors and server errors",
          },
        );
      }
      await sleep(policy.retryDelayMs * 2 ** Math.min(attemptNumber, 3));
    }
  }
}

/** Downloads a small file (an InRelease) into memory, at most policy.maxBytes. */
export async function fetchBytes(
  target: DownloadTarget,
  policy: DownloadPolicy = DEFAULT_DOWNLOAD_POLICY,
): Promise<Uint8Array> {
  return withRetries(target, policy, async () => {
    const chunks: Uint8Array[] = [];
    await attempt(target, policy, policy.maxBytes, undefined, (chunk) => {
      chunks.push(Buffer.from(chunk)); // a copy: the chunk's memory is reused
    });
    return Buffer.concat(chunks);
  });
}

/**
 * Streams a file into the cache while hashing it and commits it only when its size and SHA-256
 * are the expected ones; a blob already cached with that hash is returned without any request.
 */
export async function downloadToCache(
  target: DownloadTarget,
  cache: BlobCache,
  expected: ExpectedDigest,
  policy: DownloadPolicy = DEFAULT_DOWNLOAD_POLICY,
): Promise<CachedBlob> {
  const cached = await cache.get(expected.sha256, expected.size);
  if (cached !== null) return { path: cached, sha256: expected.sha256, size: expected.size };
  return withRetries(target, policy, async () => {
    const writer = await cache.createWriter();
    try {
      await attempt(target, policy, expected.size, expected.size, (chunk) => writer.write(chunk));
    } catch (error) {
      await writer.abort();
      throw error;
    }
    return writer.commit({ expected, origin: `GET ${target.url}` });
  });
}
