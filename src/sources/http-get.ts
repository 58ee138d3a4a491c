// One HTTP(S) GET with node:http/node:https, following redirects, answering the response (status,
// headers, body stream). Downloads use this rather than fetch: on a 60 MB .deb fetch's web
// streams cost a quarter more CPU and left some 40 MB more resident memory (measured on the
// loopback mirror), and qus needs none of what fetch adds (no cookies, CORS or decompression).
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { SourceError } from "../errors.js";
import { QUS_VERSION } from "../version.js";

/** fetch's limit. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function once(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(url, {
      method: "GET",
      signal,
      headers: { "user-agent": `qus/${QUS_VERSION}`, accept: "*/*" },
    });
    request.on("response", resolve);
    request.on("error", reject);
    request.end();
  });
}

/**
 * GETs `url`; the response is the first one that is not a redirect. Aborting `signal` stops the
 * request and its body. Network errors reject with Node's error (its `code`, e.g. ECONNREFUSED).
 */
export async function httpGet(url: string, signal: AbortSignal): Promise<IncomingMessage> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      throw new SourceError(
        `GET ${url}: cannot follow a redirect to ${current.protocol} (only http and https)`,
      );
    }
    const response = await once(current, signal);
    // Errors reach whoever reads the body; one that arrives after the caller gave up (an abort
    // destroys a body nobody reads) must not become an uncaught exception.
    response.on("error", () => undefined);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) return response;
    response.resume(); // the redirect's own body is not needed
    if (hop === MAX_REDIRECTS)
      throw new SourceError(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
    current = new URL(location, current);
  }
}
