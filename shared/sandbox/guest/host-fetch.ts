import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkHost, guardedLookup, type NetworkPolicy } from '#shared/sandbox/guest/network-policy';

/**
 * The `fetch` a rule gets, implemented on the host: http and https only, a capped response body,
 * redirects re-checked against the network policy at every hop (credentials dropped when one
 * leaves the origin, never from https down to http), and cancelled with the login (the signal
 * aborts when the login's budget runs out or the login ends).
 */
export interface GuestRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface GuestResponse {
  url: string;
  status: number;
  statusText: string;
  redirected: boolean;
  headers: [string, string][];
  body: string;
}

export const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;

export class FetchError extends Error {
  override readonly name = 'FetchError';
}

export async function hostFetch(req: GuestRequest, policy: NetworkPolicy, signal: AbortSignal): Promise<GuestResponse> {
  let current = req;
  for (let hop = 0; ; hop++) {
    const { response, body } = await send(current, policy, signal);
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (!isRedirect(status) || location === undefined) {
      return toGuest(current.url, response, body, hop > 0);
    }
    if (hop === MAX_REDIRECTS) throw new FetchError(`more than ${MAX_REDIRECTS} redirects`);
    current = redirected(current, status, new URL(location, current.url).href);
  }
}

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

/** Headers that carry credentials: they go to the origin the rule chose, never to another. */
const CREDENTIALS = /^(authorization|cookie|proxy-authorization)$/i;

/**
 * The next request after a redirect. The fetch standard: 303 (and 301/302 after a POST) continue
 * as a GET without a body; a redirect to another origin (scheme, host or port) drops credential
 * headers, as browsers and undici do. A redirect from https to http is refused: the request
 * (a 307/308 resends its body) would then cross the network in clear text.
 */
export function redirected(req: GuestRequest, status: number, url: string): GuestRequest {
  const from = new URL(req.url);
  const to = new URL(url);
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    throw new FetchError(`a redirect from https to http is not followed (to ${url.slice(0, 200)})`);
  }
  const sameOrigin = from.origin === to.origin;
  const toGet = status === 303 ? req.method !== 'HEAD' : (status === 301 || status === 302) && req.method === 'POST';
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([k]) => (sameOrigin || !CREDENTIALS.test(k)) && !(toGet && /^content-/i.test(k))),
  );
  return toGet ? { url, method: 'GET', headers } : { ...req, url, headers };
}

function send(req: GuestRequest, policy: NetworkPolicy, signal: AbortSignal) {
  const url = parseUrl(req.url);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  checkHost(url.hostname, port, policy);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const lookup = guardedLookup(url.hostname, port, policy);
  return new Promise<{ response: IncomingMessage; body: string }>((resolve, reject) => {
    const outgoing = request(url, { method: req.method, headers: req.headers, signal, lookup }, (response) => {
      readBody(response).then((body) => resolve({ response, body }), reject);
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError(`invalid URL "${raw.slice(0, 200)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError(`only http and https URLs can be fetched, not ${url.protocol}`);
  }
  return url;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_RESPONSE_BYTES) {
        response.destroy(new FetchError(`the response body is larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // Also a connection closed early (ECONNRESET) or the login's signal aborting the read.
    response.on('error', reject);
  });
}

function toGuest(url: string, response: IncomingMessage, body: string, redirected: boolean): GuestResponse {
  const headers = Object.entries(response.headers).flatMap(([name, value]): [string, string][] =>
    value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
  );
  return { url, status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', redirected, headers, body };
}
