import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tenantChanged } from '#shared/platform/cache';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests, type CallResult } from '#test/support/api';
import { CONNECTION } from '#test/support/users';

/**
 * GET /client/<client_id>.js, Lock's client settings script: `Auth0.setClient({...})` with the
 * database connections enabled for the application, only the fields Lock reads
 * (auth0-lock core/client/index.js), safe inside a script; 404 for anything that names no client.
 */
const SECRET = 'cfg-secret-0f3a9c7d2b';
let clientId: string;
let otherClientId: string;

async function app(body: Record<string, unknown> = {}) {
  const res = await call('clients-create', {
    scopes: ['create:clients'],
    body: { name: 'lock-settings-app', app_type: 'spa', token_endpoint_auth_method: 'none', callbacks: ['https://app.lock.example/private-callback'], ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.client_id as string;
}

async function connection(body: Record<string, unknown>) {
  const res = await call('connections-create', { scopes: ['create:connections'], body: { strategy: 'auth0', ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string };
}

/** Runs the script as a browser would and returns what it passed to Auth0.setClient. */
function settingsOf(res: CallResult): any {
  const calls: unknown[] = [];
  runInNewContext(res.text, { Auth0: { setClient: (o: unknown) => calls.push(o) } });
  expect(calls).toHaveLength(1);
  return calls[0];
}

const getSettings = (file: string, query: Record<string, string> = {}) => call('lock-client-settings', { params: { file }, query });

beforeAll(async () => {
  clientId = await app();
  otherClientId = await app({ name: 'not-enabled-anywhere-new' });
  // Created after the clients: enabled only where enabled_clients says.
  await connection({
    name: 'lock-usernames',
    display_name: 'Staff </script><script>alert(1)</script> \u2028 accounts',
    enabled_clients: [clientId],
    options: {
      requires_username: true,
      validation: { username: { min: 3, max: 20 } },
      passwordPolicy: 'good',
      password_complexity_options: { min_length: 12 },
      disable_signup: true,
      configuration: { API_KEY: SECRET },
      customScripts: { login: 'function login(email, password, callback) { callback(null, { id: "x" }); }' },
    },
  });
  await connection({ name: 'lock-other-app-only', enabled_clients: [otherClientId] });
  const gone = await connection({ name: 'lock-deleted', enabled_clients: [clientId] });
  expect((await call('connections-delete', { scopes: ['delete:connections'], params: { id: gone.id } })).status).toBeLessThan(300);
});

describe('GET /client/{client_id}.js', () => {
  it("answers Auth0.setClient with the application's database connections, only the fields Lock reads", async () => {
    const res = await getSettings(`${clientId}.js`, { [`t${Date.now()}`]: '' });
    expect(res.status).toBe(200);
    expect(res.text.startsWith('Auth0.setClient({"id":')).toBe(true);
    expect(res.text.endsWith('});')).toBe(true);
    expect(settingsOf(res)).toEqual({
      id: clientId,
      tenant: 'tenant',
      subscription: 'self_hosted',
      strategies: [
        {
          name: 'auth0',
          connections: [
            {
              name: CONNECTION,
              passwordPolicy: 'good',
              showSignup: true,
              showForgot: false,
              requires_username: false,
            },
            {
              name: 'lock-usernames',
              display_name: 'Staff </script><script>alert(1)</script> \u2028 accounts',
              passwordPolicy: 'good',
              password_complexity_options: { min_length: 12 },
              showSignup: false,
              showForgot: false,
              requires_username: true,
              validation: { username: { min: 3, max: 20 } },
            },
          ],
        },
      ],
    });
  });

  it('is a script with a short public cache, never sniffed', async () => {
    const res = await getSettings(`${clientId}.js`);
    expect(res.headers).toMatchObject({
      'content-type': 'application/javascript; charset=utf-8',
      'cache-control': 'public, max-age=60',
      'x-content-type-options': 'nosniff',
    });
  });

  it('escapes <, >, & and U+2028/9 so no value can end the script or the line', async () => {
    const res = await getSettings(`${clientId}.js`);
    expect(res.text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(res.text).toContain('\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u2028 accounts');
  });

  it("never carries secrets, scripts, the connection's configuration, callbacks or the application's other settings", async () => {
    const res = await getSettings(`${clientId}.js`);
    for (const leak of [SECRET, 'API_KEY', 'configuration', 'customScripts', 'function login', 'private-callback', 'lock-settings-app', 'client_secret', 'enabled_clients']) {
      expect(res.text, leak).not.toContain(leak);
    }
  });

  it('lists only the connections the application is enabled on, not deleted ones', async () => {
    const settings = settingsOf(await getSettings(`${otherClientId}.js`));
    expect(settings.strategies[0].connections.map((c: { name: string }) => c.name)).toEqual([CONNECTION, 'lock-other-app-only']);
  });

  it('gives an application enabled on no connection no strategies (Lock shows its own "no connection" state)', async () => {
    const lonely = await app({ name: 'lonely' });
    const all = await call('connections-list', { scopes: ['read:connections'] });
    for (const { id } of all.body as { id: string }[]) {
      const res = await call('connections-clients-update', { scopes: ['update:connections'], params: { id }, body: [{ client_id: lonely, status: false }] });
      expect(res.status, res.text).toBeLessThan(300);
    }
    const settings = settingsOf(await getSettings(`${lonely}.js`));
    expect(settings).toEqual({ id: lonely, tenant: 'tenant', subscription: 'self_hosted', strategies: [] });
  });

  it('sees a changed connection at once in this process (tenantChanged)', async () => {
    const id = (await call('connections-list', { scopes: ['read:connections'], query: { name: 'lock-usernames' } })).body[0].id;
    const patched = await call('connections-update', {
      scopes: ['update:connections'],
      params: { id },
      body: { options: { requires_username: false, passwordPolicy: 'excellent' } },
    });
    expect(patched.status, patched.text).toBe(200);
    const conn = settingsOf(await getSettings(`${clientId}.js`)).strategies[0].connections[1];
    expect(conn).toMatchObject({ name: 'lock-usernames', passwordPolicy: 'excellent', requires_username: false, showSignup: true });
    expect(conn.validation).toBeUndefined();
  });

  it('reads the client and the connections once when cold (3 requests), nothing when warm', async () => {
    const records: RequestRecord[] = [];
    const stop = observeRequests((r) => records.push(r));
    try {
      tenantChanged();
      expect((await getSettings(`${clientId}.js`)).status).toBe(200);
      expect((await getSettings(`${clientId}.js`)).status).toBe(200);
    } finally {
      stop();
    }
    // The client's partition (Query), the connection directory (Query), the records (BatchGetItem).
    expect(records.map((r) => r.db.requests)).toEqual([3, 0]);
  });
});

describe('GET /client/{file}: anything that names no application', () => {
  it('answers 404 (the script fails to load, so Lock shows its error at once), never a 500', async () => {
    const files = [
      'no-such-client.js', clientId, `${clientId}.json`, `${clientId}.js.map`, '.js', '', '../x.js', `${clientId}/.js`, '__proto__.js',
      'constructor.js', '<script>alert(1)</script>.js', '\u0000.js', 'é\u202e.js', `${'a'.repeat(129)}.js`, `${'a'.repeat(100_000)}.js`, '%zz.js',
    ];
    for (const file of files) {
      const res = await getSettings(file);
      expect(res.status, file).toBe(404);
      expect(res.body, file).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found', errorCode: 'not_found' });
    }
  });
});
