// The GET that downloads go through: redirects as fetch followed them (relative, absolute,
// bounded), schemes it will not follow, and network errors named by their code.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SourceError } from "../../src/errors.js";
import { fetchBytes } from "../../src/sources/download.js";
import { httpGet } from "../../src/sources/http-get.js";

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? "/";
    seen.push(url);
    const hop = /^\/hop\/(\d+)$/.exec(url);
    if (url === "/file") response.end("the file");
    else if (url === "/relative") response.writeHead(302, { location: "file" }).end("moved");
    else if (url === "/absolute") response.writeHead(301, { location: `${base}/relative` }).end();
    else if (url === "/loop") response.writeHead(307, { location: "/loop" }).end();
    else if (hop !== null)
      response
        .writeHead(308, { location: Number(hop[1]) > 0 ? `/hop/${Number(hop[1]) - 1}` : "/file" })
        .end();
    else if (url === "/ftp") response.writeHead(302, { location: "ftp://example.org/x" }).end();
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function body(url: string): Promise<string> {
  const response = await httpGet(url, new AbortController().signal);
  const parts: Buffer[] = [];
  for await (const chunk of response) parts.push(chunk as Buffer);
  return `${response.statusCode} ${Buffer.concat(parts).toString()}`;
}

describe("httpGet", () => {
  test("follows absolute and relative redirects to the file", async () => {
    seen.length = 0;
    expect(await body(`${base}/absolute`)).toBe("200 the file");
    expect(seen).toEqual(["/absolute", "/relative", "/file"]);
    expect(await body(`${base}/hop/19`)).toBe("200 the file"); // 20 redirects: fetch's limit
  });

  test("answers error statuses as they are, for the caller to judge", async () => {
    expect(await body(`${base}/nothing`)).toBe("404 ");
  });

  test("stops a redirect loop and refuses to follow a redirect to another scheme", async () => {
    await expect(httpGet(`${base}/loop`, new AbortController().signal)).rejects.toThrow(
      new SourceError(`GET ${base}/loop: more than 20 redirects`),
    );
    await expect(httpGet(`${base}/ftp`, new AbortController().signal)).rejects.toThrow(
      /cannot follow a redirect to ftp: \(only http and https\)/,
    );
  });

  test("a refused connection is retried, then named by its code", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const policy = {
      responseTimeoutMs: 2000,
      idleTimeoutMs: 2000,
      retries: 1,
      retryDelayMs: 1,
      maxBytes: 1024,
      progressIntervalMs: 0,
    };
    await expect(
      fetchBytes({ url: `http://127.0.0.1:${port}/x`, label: "x" }, policy),
    ).rejects.toThrow(/failed after 2 attempts: connect ECONNREFUSED 127.0.0.1:/);
  });
});
