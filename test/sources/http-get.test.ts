// The GET that downloads go through: redirects as fetch followed them (relative, absolute,
// bounded), schemes it will not follow, network errors named by their code, the ways a server
// frames a body (length, chunks, end of connection), responses it must refuse, and HTTPS that
// trusts what Node trusts and nothing else.
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SourceError } from "../../src/errors.js";
import { fetchBytes } from "../../src/sources/download.js";
import { httpGet } from "../../src/sources/http-get.js";
import { projectRoot, requireBuilt } from "../helpers/fixtures.js";

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
    else if (url === "/chunked") {
      // No Content-Length: Node's server sends the body in chunks, each write one.
      for (let i = 0; i < 50; i++) response.write(Buffer.alloc(10_000, 97 + (i % 26)));
      response.end();
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function body(url: string): Promise<string> {
  const response = await httpGet(url, new AbortController().signal);
  const parts: Buffer[] = [];
  for await (const chunk of response.body) parts.push(Buffer.from(chunk));
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

  test("reads a chunked body whole, in order", async () => {
    const expected = Array.from({ length: 50 }, (_, i) =>
      String.fromCharCode(97 + (i % 26)).repeat(10_000),
    ).join("");
    expect(await body(`${base}/chunked`)).toBe(`200 ${expected}`);
  });
});

/** A server that answers every connection with `reply` (raw bytes), then closes it. */
async function rawServer(reply: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createTcpServer((socket) => {
    socket.once("data", () => socket.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function readAll(url: string): Promise<string> {
  const response = await httpGet(url, new AbortController().signal);
  const parts: Buffer[] = [];
  for await (const chunk of response.body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString();
}

describe("httpGet on raw responses", () => {
  test("a body that ends with the connection, after an interim 100 answer", async () => {
    const server = await rawServer(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end",
    );
    try {
      expect(await readAll(server.url)).toBe("until the end");
    } finally {
      await server.close();
    }
  });

  test("a connection closed before the announced length is an error, not a short body", async () => {
    const server = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
    try {
      await expect(readAll(server.url)).rejects.toMatchObject({ code: "ECONNRESET" });
    } finally {
      await server.close();
    }
  });

  test("refuses a Content-Length that is not a number, and a response that is not HTTP", async () => {
    const lying = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nbody");
    const garbage = await rawServer("SSH-2.0-OpenSSH_9.2\r\n");
    try {
      await expect(readAll(lying.url)).rejects.toThrow(/invalid Content-Length "-5"/);
      await expect(readAll(garbage.url)).rejects.toThrow(/invalid HTTP response/);
    } finally {
      await lying.close();
      await garbage.close();
    }
  });

  test("each chunk stays intact until the next is asked for (a slow reader gets every byte)", async () => {
    const payload = Buffer.alloc(3_000_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 251;
    const server = createTcpServer((socket) => {
      socket.once("data", () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${payload.length}\r\n\r\n`);
        socket.end(payload);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      const response = await httpGet(url, new AbortController().signal);
      const parts: Buffer[] = [];
      for await (const chunk of response.body) {
        const before = Buffer.from(chunk);
        await new Promise((resolve) => setTimeout(resolve, 1)); // the socket keeps receiving meanwhile
        expect(Buffer.compare(Buffer.from(chunk), before)).toBe(0);
        parts.push(before);
      }
      expect(Buffer.compare(Buffer.concat(parts), payload)).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("httpGet over HTTPS", () => {
  let dir: string;
  let https: Server;
  let httpsBase: string;
  beforeAll(async () => {
    requireBuilt();
    dir = await mkdtemp(join(tmpdir(), "qus-https-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    https = createHttpsServer(
      { key: await readFile(join(dir, "key.pem")), cert: await readFile(join(dir, "cert.pem")) },
      (request, response) => {
        if (request.url === "/moved") response.writeHead(302, { location: "/file" }).end();
        else response.end("secret file");
      },
    );
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    httpsBase = `https://localhost:${(https.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => https.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  test("refuses a certificate nobody vouches for", async () => {
    await expect(httpGet(`${httpsBase}/file`, new AbortController().signal)).rejects.toMatchObject({
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });

  test("trusts what Node trusts (NODE_EXTRA_CA_CERTS) and checks the host name", async () => {
    const module = pathToFileURL(join(projectRoot, "dist", "sources", "http-get.js")).href;
    const script = `
      const { httpGet } = await import(${JSON.stringify(module)});
      const get = async (url) => {
        try {
          const response = await httpGet(url, new AbortController().signal);
          let text = "";
          for await (const chunk of response.body) text += Buffer.from(chunk).toString();
          return response.statusCode + " " + text;
        } catch (error) { return "error " + error.code; }
      };
      process.stdout.write(JSON.stringify([
        await get(${JSON.stringify(`${httpsBase}/moved`)}),
        await get(${JSON.stringify(httpsBase.replace("localhost", "127.0.0.1"))} + "/file"),
      ]));
    `;
    // Not spawnSync: the server answering is in this process.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") }, encoding: "utf8" },
    );
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toEqual(["200 secret file", "error ERR_TLS_CERT_ALTNAME_INVALID"]);
  });
});
