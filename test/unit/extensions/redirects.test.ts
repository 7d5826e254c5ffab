import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, redirected } from '#shared/sandbox/guest/host-fetch';
import { allowingHosts } from '#shared/sandbox/guest/network-policy';
import { rule, run } from '#test/unit/extensions/login-input';

/**
 * Redirects leave credentials behind when they change origin. Two local servers on different
 * ports are two origins; both are allowed through the allow-list, as an operator would.
 */

let first: Server;
let second: Server;
let a: string;
let b: string;

function respond(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/';
  const to = (location: string, status = 302) => res.writeHead(status, { location }).end();
  if (path === '/same') return to('/echo');
  if (path === '/cross') return to(`${b}/echo`);
  if (path === '/cross-307') return to(`${b}/echo`, 307);
  if (path === '/metadata') return to('http://169.254.169.254/latest/meta-data/iam/security-credentials/');
  if (path === '/echo') {
    const { authorization, cookie, 'proxy-authorization': proxy, 'x-trace': trace } = req.headers;
    return res.writeHead(200).end(JSON.stringify({ at: `http://${req.headers.host}`, authorization, cookie, proxy, trace }));
  }
  res.writeHead(404).end();
}

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  first = createServer(respond);
  second = createServer(respond);
  a = await listen(first);
  b = await listen(second);
});

afterAll(async () => {
  for (const server of [first, second]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A rule that fetches `url` with credentials and puts what the final server saw (or the error) in a claim. */
const withCredentials = (url: string, method = 'GET') => rule('caller', `function (user, context, callback) {
  const headers = { Authorization: 'Bearer t0k3n', Cookie: 'sid=s3ss10n', 'Proxy-Authorization': 'Basic cHJveHk=', 'X-Trace': 'abc' };
  fetch(${JSON.stringify(url)}, { method: '${method}', headers, body: '${method}' === 'POST' ? 'payload' : undefined })
    .then((res) => res.json())
    .then((seen) => { context.idToken.seen = seen; callback(null, user, context); })
    .catch((err) => { context.idToken.error = err.message; callback(null, user, context); });
}`);

describe('fetch: redirects', () => {
  it('keeps credentials on a same-origin redirect', async () => {
    const output = await run({ rules: [withCredentials(`${a}/same`)] }, allowingHosts([new URL(a).host]));
    expect(output).toMatchObject({
      idTokenClaims: { seen: { at: a, authorization: 'Bearer t0k3n', cookie: 'sid=s3ss10n', proxy: 'Basic cHJveHk=', trace: 'abc' } },
    });
  });

  it('drops Authorization, Cookie and Proxy-Authorization on a redirect to another origin (another port)', async () => {
    const policy = allowingHosts([new URL(a).host, new URL(b).host]);
    for (const [path, method] of [['/cross', 'GET'], ['/cross-307', 'POST']] as const) {
      expect(await run({ rules: [withCredentials(`${a}${path}`, method)] }, policy), path).toEqual({
        outcome: 'allow',
        idTokenClaims: { seen: { at: b, trace: 'abc' } },
        accessTokenClaims: {},
        logs: [],
      });
    }
  });

  it('checks every hop against the policy: an origin not on the allow-list, a metadata address', async () => {
    const onlyA = allowingHosts([new URL(a).host]);
    expect(await run({ rules: [withCredentials(`${a}/cross`)] }, onlyA)).toMatchObject({
      idTokenClaims: { error: 'fetch failed: connecting to 127.0.0.1 is not allowed (private address)' },
    });
    expect(await run({ rules: [withCredentials(`${a}/metadata`)] }, onlyA)).toMatchObject({
      idTokenClaims: { error: 'fetch failed: connecting to 169.254.169.254 is not allowed (cloud metadata address)' },
    });
  });

  it('refuses a redirect from https down to http, and keeps credentials from https to https on the same origin', () => {
    const request = { url: 'https://api.example.com/v1', method: 'GET', headers: { Authorization: 'Bearer t' } };
    expect(() => redirected(request, 302, 'http://api.example.com/v1')).toThrow(
      new FetchError('a redirect from https to http is not followed (to http://api.example.com/v1)'),
    );
    expect(redirected(request, 301, 'https://api.example.com/v2')).toEqual({ ...request, url: 'https://api.example.com/v2' });
    expect(redirected(request, 301, 'https://api.example.com:8443/v2')).toEqual({ ...request, url: 'https://api.example.com:8443/v2', headers: {} });
  });
});
