import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionsRunner } from '#shared/sandbox/runner';
import { loginInput, rule } from '#test/unit/extensions/login-input';

/**
 * The in-process runner (`npm start`) applies the same network policy as the rules-runner Lambda:
 * a rule cannot reach DynamoDB Local, the machine's other services or a metadata address unless
 * the operator lists them in EXTENSIONS_ALLOW_HOSTS (unset in the tests).
 */

let server: Server;
let base: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((_req, res) => void (hits += 1, res.writeHead(200).end('local')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fetcher = (url: string) => rule('fetcher', `function (user, context, callback) {
  fetch(${JSON.stringify(url)})
    .then((res) => res.text())
    .then((text) => { context.idToken.text = text; callback(null, user, context); })
    .catch((err) => { context.idToken.error = err.message; callback(null, user, context); });
}`);

describe('in-process runner: network policy', () => {
  it('refuses loopback (a local service, DynamoDB Local) and the metadata address', async () => {
    const cases = [
      [base, 'fetch failed: connecting to 127.0.0.1 is not allowed (private address)'],
      ['http://localhost:8000/', 'fetch failed: connecting to localhost is not allowed (private address)'],
      ['http://169.254.169.254/latest/meta-data/', 'fetch failed: connecting to 169.254.169.254 is not allowed (cloud metadata address)'],
      ['http://[::ffff:a9fe:a9fe]/latest/meta-data/', 'fetch failed: connecting to [::ffff:a9fe:a9fe] is not allowed (cloud metadata address)'],
    ];
    for (const [url, error] of cases) {
      expect(await extensionsRunner().run(loginInput({ rules: [fetcher(url!)] })), url).toEqual({
        outcome: 'allow',
        idTokenClaims: { error },
        accessTokenClaims: {},
        logs: [],
      });
    }
    expect(hits).toBe(0);
  }, 60_000); // the first login starts the worker pool, whose threads each load QuickJS
});
