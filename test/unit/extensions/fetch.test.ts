import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as lambdaHandler } from '#functions/sandbox/run-extensions';
import { allowingHosts, type NetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { loginInput, rule, run, timed } from '#test/unit/extensions/login-input';

/**
 * The host-backed `fetch` rules get, against a local server on 127.0.0.1 (no other network),
 * which the tests allow as an operator would, through the allow-list (EXTENSIONS_ALLOW_HOSTS).
 */

let server: Server;
let base: string;
let local: NetworkPolicy;
const abandoned: string[] = [];

function respond(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/';
  if (path === '/json') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-test': 'yes' }).end('{"hello":"world"}');
  } else if (path === '/echo') {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => res.writeHead(201).end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization })));
  } else if (path === '/redirect') {
    res.writeHead(302, { location: '/json' }).end();
  } else if (path === '/big') {
    res.writeHead(200).end('x'.repeat(1024 * 1024 + 1));
  } else if (path === '/slow') {
    req.on('close', () => abandoned.push(path)); // never answered; closed when the login gives up
  } else {
    res.writeHead(404).end('not found');
  }
}

beforeAll(async () => {
  server = createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local = allowingHosts([new URL(base).host]);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A rule that fetches `url` with `init` and puts what it saw (or the error message) in a claim. */
const fetchRule = (url: string, init = '{}') => rule('fetcher', `function (user, context, callback) {
  fetch(${JSON.stringify(url)}, ${init})
    .then((res) => res.text().then((text) => {
      context.idToken.res = { status: res.status, ok: res.ok, type: res.headers.get('Content-Type'), text, url: res.url, redirected: res.redirected };
      callback(null, user, context);
    }))
    .catch((err) => { context.idToken.error = err.message; callback(null, user, context); });
}`);

describe('rules: fetch', () => {
  it('fetches JSON from an HTTP server', async () => {
    const script = `function (user, context, callback) {
      fetch('${base}/json')
        .then((res) => res.json().then((body) => {
          context.idToken.seen = [res.status, res.ok, res.headers.get('X-Test'), res.headers.get('missing'), body.hello];
          callback(null, user, context);
        }))
        .catch(callback);
    }`;
    expect(await run({ rules: [rule('api', script)] }, local)).toEqual({
      outcome: 'allow',
      idTokenClaims: { seen: [200, true, 'yes', null, 'world'] },
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('sends the method, headers and body a rule gives', async () => {
    const init = `{ method: 'post', headers: { Authorization: 'Bearer t' }, body: JSON.stringify({ a: 1 }) }`;
    expect(await run({ rules: [fetchRule(`${base}/echo`, init)] }, local)).toMatchObject({
      idTokenClaims: { res: { status: 201, ok: true, text: '{"method":"POST","body":"{\\"a\\":1}","auth":"Bearer t"}' } },
    });
  });

  it('follows redirects', async () => {
    expect(await run({ rules: [fetchRule(`${base}/redirect`)] }, local)).toMatchObject({
      idTokenClaims: { res: { status: 200, text: '{"hello":"world"}', url: `${base}/json`, redirected: true } },
    });
  });

  it('refuses a response body over 1 MB', async () => {
    expect(await run({ rules: [fetchRule(`${base}/big`)] }, local)).toMatchObject({
      idTokenClaims: { error: 'fetch failed: the response body is larger than 1048576 bytes' },
    });
  });

  it('fetches http and https only', async () => {
    expect(await run({ rules: [fetchRule('file:///etc/passwd')] }, local)).toMatchObject({
      idTokenClaims: { error: 'fetch failed: only http and https URLs can be fetched, not file:' },
    });
  });

  it('cuts a slow response off at the login budget and closes the connection', async () => {
    const { output, ms } = await timed({ rules: [fetchRule(`${base}/slow`)], limits: { totalMs: 300, memoryBytes: 32 * 1024 * 1024 } }, local);
    expect(output).toEqual({
      outcome: 'error',
      error: "Rule 'fetcher' did not finish within the login's time budget of 300 ms",
      source: 'fetcher',
      logs: [],
    });
    expect(ms).toBeLessThan(600);
    await expect.poll(() => abandoned).toContain('/slow');
  });

  it('allows at most 50 fetch calls per login', async () => {
    const script = `function (user, context, callback) {
      const calls = Array.from({ length: 51 }, () => fetch('${base}/json').then((r) => r.status, (e) => e.message));
      Promise.all(calls).then((results) => { context.idToken.last = results.slice(-2); callback(null, user, context); });
    }`;
    expect(await run({ rules: [rule('many', script)] }, local)).toMatchObject({
      idTokenClaims: { last: [200, 'a login may make at most 50 fetch calls'] },
    });
  });

  it('in the rules-runner Lambda, refuses private addresses (the Lambda Runtime API is on 127.0.0.1)', async () => {
    const input = loginInput({ rules: [fetchRule(`${base}/json`)] });
    expect(await lambdaHandler(input)).toMatchObject({
      outcome: 'allow',
      idTokenClaims: { error: 'fetch failed: connecting to 127.0.0.1 is not allowed (private address)' },
    });
    const byName = loginInput({ rules: [fetchRule('http://localhost:9001/2018-06-01/runtime/invocation/next')] });
    expect(await lambdaHandler(byName)).toMatchObject({
      idTokenClaims: { error: 'fetch failed: connecting to localhost is not allowed (private address)' },
    });
  });
});
