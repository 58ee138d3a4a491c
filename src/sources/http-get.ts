// One HTTP(S) GET, following redirects as fetch does. The socket reads into one buffer per
// connection (net/tls `onread`) and http-parser-js parses the response in place, so each body
// chunk is a view into that buffer, valid until the reader asks for the next one. node:http gave
// every socket read and every parsed body chunk a new buffer: on a 60 MB .deb that was ~15,000
// fresh pages (332 ms, Node 26, loopback mirror) against ~400 this way (100 ms). fetch was
// slower still (web streams) and qus needs none of what it adds (cookies, CORS, decompression).
import { isIP, connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { HTTPParser } from "http-parser-js";
import { SourceError } from "../errors.js";
import { QUS_VERSION } from "../version.js";
import { ViewQueue } from "./view-queue.js";

/** fetch's limit. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** The buffer each connection reads into (a read fills as much of it as the socket holds). */
const READ_BUFFER_BYTES = 256 * 1024;

// Why: downloads read status, headers and body without node:http's per-chunk buffers.
/** A response whose headers have arrived; its body is read once, or closed unread. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  /** Header values by lower-case name (the first, when a header repeats). */
  readonly headers: ReadonlyMap<string, string>;
  /**
   * The body. Each chunk is a view into the connection's read buffer, valid only until the next
   * chunk is asked for: keep a copy to keep it. Network errors are Node's (`code` set).
   */
  readonly body: AsyncIterable<Uint8Array>;
  /** Closes the connection without reading (the rest of) the body. */
  close(): void;
}

/** An error of the connection or of the response's syntax, with a code like Node's. */
function connectionError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** One request on a connection of its own; resolves when the response's headers are parsed. */
function once(url: URL, signal: AbortSignal): Promise<HttpResponse> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const parser = new HTTPParser(HTTPParser.RESPONSE);
  const views = new ViewQueue();
  let settleHead: ((response: HttpResponse) => void) | null = null;
  let failHead: ((error: Error) => void) | null = null;
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    if (views.settled) return;
    failure = error;
    views.fail(error);
    failHead?.(error);
    socket.destroy();
  };
  const onread = {
    buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
    callback: (length: number, buffer: Uint8Array): boolean => {
      const result = parser.execute(buffer as Buffer, 0, length);
      if (result instanceof Error) {
        fail(connectionError(`invalid HTTP response (${result.message})`, "HPE_INVALID"));
        return false;
      }
      views.notify();
      // The chunks queued are views into this buffer: no next read until they are consumed.
      return views.empty;
    },
  };
  const socket: Socket =
    url.protocol === "https:"
      ? tlsConnect({
          host,
          port: Number(url.port || 443),
          servername: isIP(host) === 0 ? host : undefined,
          ALPNProtocols: ["http/1.1"],
          // tls.connect takes net's onread (documented; @types/node does not list it).
          onread,
        } as ConnectionOptions)
      : netConnect({ host, port: Number(url.port || 80), onread });
  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    // 1xx answers are interim: the real response follows on the same connection.
    if (info.statusCode < 200) return;
    const headers = new Map<string, string>();
    for (let i = 0; i + 1 < info.headers.length; i += 2) {
      const name = (info.headers[i] as string).toLowerCase();
      if (!headers.has(name)) headers.set(name, info.headers[i + 1] as string);
    }
    const length = headers.get("content-length");
    if (length !== undefined && !/^\d+$/.test(length)) {
      fail(connectionError(`invalid Content-Length ${JSON.stringify(length)}`, "HPE_INVALID"));
      return;
    }
    settleHead?.({
      statusCode: info.statusCode,
      statusMessage: info.statusMessage,
      headers,
      body: views.read(socket),
      close: () => {
        views.end();
        socket.destroy();
      },
    });
    settleHead = null;
    failHead = null;
  };
  parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
    views.push(chunk.subarray(offset, offset + length));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (settleHead !== null) return; // the end of an interim (1xx) answer
    views.end();
    socket.destroy();
  };
  socket.on("error", (error) => fail(error));
  socket.on("end", () => {
    parser.finish(); // ends a body that lasts until the connection closes
    // Ignored when the response has ended.
    fail(connectionError("the connection closed before the response ended", "ECONNRESET"));
  });
  socket.on("close", () => fail(connectionError("the connection closed", "ECONNRESET")));
  const onAbort = (): void =>
    fail(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  socket.once("close", () => signal.removeEventListener("abort", onAbort));
  socket.write(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
      `User-Agent: qus/${QUS_VERSION}\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    settleHead = resolve;
    failHead = reject;
    if (failure !== null) reject(failure); // aborted before the request began
  });
}

/**
 * GETs `url`; the response is the first one that is not a redirect. Aborting `signal` stops the
 * request and its body. Network errors reject with Node's error (its `code`, e.g. ECONNREFUSED).
 */
export async function httpGet(url: string, signal: AbortSignal): Promise<HttpResponse> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      throw new SourceError(
        `GET ${url}: cannot follow a redirect to ${current.protocol} (only http and https)`,
      );
    }
    const response = await once(current, signal);
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.statusCode) || location === undefined) return response;
    response.close(); // the redirect's own body is not needed
    if (hop === MAX_REDIRECTS)
      throw new SourceError(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
    current = new URL(location, current);
  }
}
