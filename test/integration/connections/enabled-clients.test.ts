import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { PASSWORD, REALM_GRANT, seedLoginUser } from '#test/support/logins';
import { uniqueEmail } from '#test/support/users';

/**
 * Which applications may use a connection: GET/PATCH /api/v2/connections/{id}/clients, a new
 * application enabled on every connection, and signup and logins refused through an application
 * that is not enabled, as Auth0 refuses them.
 */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

async function app(body: Record<string, unknown> = {}) {
  const res = await call('clients-create', {
    scopes: ['create:clients'],
    body: { name: 'enabled', app_type: 'regular_web', grant_types: [REALM_GRANT, 'refresh_token'], ...body },
  });
  return { id: res.body.client_id as string, secret: res.body.client_secret as string };
}
async function connection(body: Record<string, unknown> = {}) {
  const res = await call('connections-create', { scopes: ['create:connections'], body: { name: unique('db'), strategy: 'auth0', ...body } });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, name: res.body.name as string };
}
const read = (id: string, query: Record<string, string> = {}) => call('connections-clients-get', { scopes: ['read:connections'], params: { id }, query });
const change = (id: string, body: unknown, scopes = ['update:connections']) => call('connections-clients-update', { scopes, params: { id }, body });
const enabledIds = async (id: string) => ((await read(id, { take: '100' })).body.clients as { client_id: string }[]).map((c) => c.client_id);

describe('GET /api/v2/connections/{id}/clients', () => {
  it('answers {clients:[{client_id}]} and pages with take and from (next while more remain)', async () => {
    const [a, b, c] = [await app(), await app(), await app()];
    const conn = await connection({ enabled_clients: [a.id, b.id, c.id] });
    expect((await read(conn.id)).body).toEqual({ clients: [{ client_id: a.id }, { client_id: b.id }, { client_id: c.id }] });
    const first = await read(conn.id, { take: '2' });
    expect(first.body).toEqual({ clients: [{ client_id: a.id }, { client_id: b.id }], next: expect.any(String) });
    expect((await read(conn.id, { take: '2', from: first.body.next })).body).toEqual({ clients: [{ client_id: c.id }] });
    expect((await read(conn.id, { from: 'bogus' })).status).toBe(400);
    expect((await read(conn.id, { take: '0' })).status).toBe(400);
    expect((await read(conn.id, { take: '101' })).status).toBe(400);
    expect((await read(conn.id, { page: '1' })).status).toBe(400);
  });

  it('answers 404 for an unknown connection, 401 without a token, 403 without the scope', async () => {
    expect((await read('con_doesnotexist0000')).body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The connection does not exist', errorCode: 'inexistent_connection' });
    expect((await call('connections-clients-get', { params: { id: 'con_x' } })).status).toBe(401);
    expect((await call('connections-clients-get', { scopes: ['read:clients'], params: { id: 'con_x' } })).body.message).toBe('Insufficient scope, expected any of: read:connections');
  });
});

describe('a new application', () => {
  it('is enabled on every existing connection (Auth0 enable_client_connections)', async () => {
    const [one, two] = [await connection(), await connection()];
    const created = await app();
    expect(await enabledIds(one.id)).toContain(created.id);
    expect(await enabledIds(two.id)).toContain(created.id);
  });
});

describe('applications created at once', () => {
  it('are each enabled on every connection (their transactions race for the same lists)', async () => {
    const conn = await connection();
    const apps = await Promise.all(Array.from({ length: 12 }, () => app()));
    expect(apps.every((a) => /^[A-Za-z0-9]{32}$/.test(a.id))).toBe(true);
    expect(await enabledIds(conn.id)).toEqual(expect.arrayContaining(apps.map((a) => a.id)));
  });
});

describe('PATCH /api/v2/connections/{id}/clients', () => {
  it('enables and disables (204, no body); a later entry for the same client wins; disabling twice is a no-op', async () => {
    const conn = await connection();
    const [a, b] = [await app(), await app()];
    const res = await change(conn.id, [{ client_id: a.id, status: false }, { client_id: b.id, status: false }]);
    expect(res).toMatchObject({ status: 204, text: '' });
    expect(await enabledIds(conn.id)).not.toContain(a.id);
    expect((await change(conn.id, [{ client_id: a.id, status: false }])).status).toBe(204);
    await change(conn.id, [{ client_id: a.id, status: false }, { client_id: a.id, status: true }]);
    expect(await enabledIds(conn.id)).toContain(a.id);
    expect(await enabledIds(conn.id)).not.toContain(b.id);
  });

  it('loses no change when PATCHes race', async () => {
    const conn = await connection();
    const apps = await Promise.all(Array.from({ length: 6 }, () => app()));
    await change(conn.id, apps.map((a) => ({ client_id: a.id, status: false })));
    const results = await Promise.all(apps.map((a) => change(conn.id, [{ client_id: a.id, status: true }])));
    expect(results.map((r) => r.status)).toEqual(apps.map(() => 204));
    expect((await enabledIds(conn.id)).sort()).toEqual(expect.arrayContaining(apps.map((a) => a.id).sort()));
  });

  it('refuses bad bodies, unknown clients and connections', async () => {
    const conn = await connection();
    const cases: [unknown, number, RegExp][] = [
      [{ client_id: 'x', status: true }, 400, /Expected type array but found type object/],
      [[], 400, /Array is too short \(0\), minimum 1/],
      [[{ client_id: 'abc' }], 400, /Missing required property: \[0\].status/],
      [[{ client_id: 'abc', status: 'yes' }], 400, /on property \[0\].status/],
      [[{ client_id: 'abc', status: true, extra: 1 }], 400, /Additional properties not allowed: extra/],
      [[{ client_id: '<script>alert(1)</script>', status: true }], 400, /on property \[0\].client_id/],
      [[{ client_id: '__proto__', status: true }], 404, /The client does not exist/],
      [Array.from({ length: 51 }, (_, i) => ({ client_id: `c${i}`, status: false })), 400, /Array is too long \(51\), maximum 50/],
      [[{ client_id: 'A'.repeat(32), status: true }], 404, /The client does not exist/],
    ];
    for (const [body, status, message] of cases) {
      const res = await change(conn.id, body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.message).toMatch(message);
    }
    expect((await change('con_doesnotexist0000', [{ client_id: 'x', status: false }])).status).toBe(404);
    expect((await change(conn.id, [{ client_id: 'x', status: false }], ['read:connections'])).status).toBe(403);
    expect((await call('connections-clients-update', { params: { id: conn.id }, body: [] })).status).toBe(401);
  });
});

describe('signup and logins through an application that is not enabled', () => {
  let conn: { id: string; name: string };
  let client: { id: string; secret: string };
  let email: string;
  beforeAll(async () => {
    conn = await connection({ options: { passwordPolicy: 'none' } });
    client = await app();
    email = uniqueEmail('enabled');
    const signup = await call('signup', { body: { client_id: client.id, connection: conn.name, email, password: PASSWORD } });
    expect(signup.status).toBe(200);
  });
  const login = (extra: Record<string, string> = {}) =>
    call('oauth-token', {
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ grant_type: REALM_GRANT, realm: conn.name, username: email, password: PASSWORD, client_id: client.id, client_secret: client.secret, ...extra }),
    });

  it("refuses the login with Auth0's 400 'the connection was disabled', at once, and lets it through when enabled again", async () => {
    const before = await login({ scope: 'openid offline_access' });
    expect(before.status).toBe(200);
    await change(conn.id, [{ client_id: client.id, status: false }]);
    expect(await login()).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'the connection was disabled' } });
    // Even with a wrong password: the application is refused before any credential is looked at.
    expect((await login({ password: 'wrong' })).body.error_description).toBe('the connection was disabled');
    const refresh = await call('oauth-token', {
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ grant_type: 'refresh_token', refresh_token: before.body.refresh_token, client_id: client.id, client_secret: client.secret }),
    });
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'the connection was disabled' } });
    await change(conn.id, [{ client_id: client.id, status: true }]);
    expect((await login()).status).toBe(200);
  });

  it("refuses the signup with Auth0's words", async () => {
    await change(conn.id, [{ client_id: client.id, status: false }]);
    const res = await call('signup', { body: { client_id: client.id, connection: conn.name, email: uniqueEmail('refused'), password: PASSWORD } });
    const message = `Connection must be enabled for this client to perform single user creation and signup operations (client_id: ${client.id} - connection: ${conn.name})`;
    expect(res).toMatchObject({ status: 400, body: { name: 'BadRequestError', code: message, description: message, statusCode: 400 } });
    await change(conn.id, [{ client_id: client.id, status: true }]);
  });

  it('keeps a deleted application off every list', async () => {
    const doomed = await app();
    expect(await enabledIds(conn.id)).toContain(doomed.id);
    await call('clients-delete', { scopes: ['delete:clients'], params: { id: doomed.id } });
    expect(await enabledIds(conn.id)).not.toContain(doomed.id);
  });

  it('the seeded user logs in through a seeded-connection application created through the API', async () => {
    const user = await seedLoginUser();
    const res = await call('oauth-token', {
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ grant_type: REALM_GRANT, realm: 'Username-Password-Authentication', username: user.email, password: PASSWORD, client_id: client.id, client_secret: client.secret }),
    });
    expect(res.status).toBe(200);
  });
});
