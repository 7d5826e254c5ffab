import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ManagementClient } from 'auth0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegacyStore } from '#infra/local/legacy-store/server';
import { db, tableName } from '#shared/db/client';
import { userKey } from '#shared/db/keys';
import { call } from '#test/support/api';
import { managementToken } from '#test/support/tokens';
import { PASSWORD, seedApplication } from '#test/support/logins';
import { uniqueEmail } from '#test/support/users';
import { count, customDbConnection, getUser, JANE, startStore, storeScript, type CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

/**
 * POST /api/v2/users on custom database connections, against a real legacy store on loopback:
 * import mode asks get_user first (409 for a user the legacy store has); legacy mode runs create,
 * then login, and answers 201 with the cached copy of login's profile.
 */
let store: LegacyStore;
let app: { client_id: string };
let importing: CustomDbConnection;
let legacy: CustomDbConnection;

const SCRIPTS = {
  login: storeScript('login'), get_user: storeScript('get_user'), create: storeScript('create'), delete: storeScript('delete'),
  change_password: storeScript('change_password'), change_email: storeScript('change_email'), verify: storeScript('verify'),
};
const USER_EXISTS = { statusCode: 409, error: 'Conflict', message: 'The user already exists.', errorCode: 'auth0_idp_error' };
const scriptFailed = (script: string) => ({
  statusCode: 503,
  error: 'Service Unavailable',
  message: expect.stringMatching(new RegExp(`^The connection's ${script} script failed \\(reference [A-Za-z0-9]{12}\\)\\.$`)),
  errorCode: 'custom_db_error',
});

beforeAll(async () => {
  store = await startStore();
  app = await seedApplication();
  importing = await customDbConnection(app, store, { import_mode: true, customScripts: { login: SCRIPTS.login, get_user: SCRIPTS.get_user } });
  legacy = await customDbConnection(app, store, { import_mode: false, customScripts: SCRIPTS });
});

afterAll(async () => {
  await store.stop();
});

const create = (connection: CustomDbConnection, body: Record<string, unknown>, scopes = ['create:users']) =>
  call('users-create', { scopes, body: { connection: connection.name, password: PASSWORD, ...body } });
const usersByEmail = async (email: string) => (await call('users-by-email', { query: { email }, scopes: ['read:users'] })).body as Record<string, unknown>[];

describe('POST /api/v2/users, import mode', () => {
  it("answers 409 for JANE's email (get_user found her in the legacy store), as the node SDK reads it, and stores nothing", async () => {
    const before = count(store, 'GET /users');
    const res = await create(importing, { email: JANE.email });
    expect(res.status).toBe(409);
    expect(res.text).toBe(JSON.stringify(USER_EXISTS));
    expect(count(store, 'GET /users')).toBe(before + 1);
    expect(await usersByEmail(JANE.email)).toEqual([]);
  });

  it("gives Auth0's node SDK its usual 409 for a user the legacy store has", async () => {
    // The SDK's requests go to the route table: POST /api/v2/users is all this test sends.
    const sdk = new ManagementClient({
      domain: 'tenant.example.com',
      token: await managementToken({ scopes: ['create:users'] }),
      fetch: async (url, init) => {
        expect([init?.method, new URL(String(url)).pathname]).toEqual(['POST', '/api/v2/users']);
        const headers = Object.fromEntries(new Headers(init?.headers).entries());
        const res = await call('users-create', { rawBody: String(init?.body), headers });
        return new Response(res.text, { status: res.status, headers: res.headers });
      },
    });
    const refused = await sdk.users.create({ connection: importing.name, email: JANE.email, password: PASSWORD }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 409, body: USER_EXISTS });
    expect((refused as Error).message).toContain('The user already exists.');
  });

  it('creates an email the legacy store does not have as a normal user, with a password hash, and never writes to the store', async () => {
    const email = uniqueEmail('import-create');
    const res = await create(importing, { email, app_metadata: { plan: 'trial' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ email, user_id: expect.stringMatching(/^auth0\|[0-9a-f]{24}$/), app_metadata: { plan: 'trial' } });
    const stored = await db.send(new GetCommand({ TableName: tableName, Key: userKey(res.body.user_id) }));
    expect(stored.Item?.password_hash).toMatch(/^\$argon2id\$/);
    expect(count(store, 'POST /users')).toBe(0);
  });

  it('answers 503 custom_db_error with a reference when get_user fails, and stores nothing', async () => {
    const broken = await customDbConnection(app, { url: 'http://127.0.0.1:9', apiKey: 'x' }, {
      import_mode: true, customScripts: { login: SCRIPTS.login, get_user: SCRIPTS.get_user }
    });
    const email = uniqueEmail('unreachable');
    const res = await create(broken, { email });
    expect(res.status).toBe(503);
    expect(res.body).toEqual(scriptFailed('get_user'));
    expect(await usersByEmail(email)).toEqual([]);
  });
});

describe('POST /api/v2/users, legacy mode', () => {
  it('runs create (the store gets `metadata` and user_metadata) and login, and answers 201 with the cached copy', async () => {
    const email = uniqueEmail('legacy-create');
    const [creates, logins] = [count(store, 'POST /users'), count(store, 'POST /login')];
    const res = await create(legacy, { email, user_metadata: { hobby: 'chess' }, app_metadata: { plan: 'gold' } });
    expect(res.status, res.text).toBe(201);
    const kept = store.users.get(email)!;
    expect(kept).toMatchObject({ email, user_metadata: { hobby: 'chess' }, metadata: { plan: 'gold' } });
    expect([count(store, 'POST /users'), count(store, 'POST /login')]).toEqual([creates + 1, logins + 1]);
    expect(res.body).toEqual({
      created_at: expect.any(String),
      email,
      email_verified: false,
      identities: [{ connection: legacy.name, user_id: kept.id, provider: 'auth0', isSocial: false }],
      name: email,
      nickname: email.split('@')[0],
      picture: expect.stringMatching(/^https:\/\/s\.gravatar\.com\/avatar\//),
      updated_at: res.body.created_at,
      user_id: `auth0|${kept.id}`,
      user_metadata: { hobby: 'chess' },
      app_metadata: { plan: 'gold' },
    });
    expect(res.headers.etag).toBe('"1"');
    const read = await getUser(`auth0|${kept.id}`);
    expect(read.body).toEqual(res.body);
    const stored = await db.send(new GetCommand({ TableName: tableName, Key: userKey(`auth0|${kept.id}`) }));
    expect(stored.Item).not.toHaveProperty('password_hash');
  });

  it('passes the username (lower-cased) to create on a connection that requires one, and keeps it on the copy', async () => {
    const named = await customDbConnection(app, store, { import_mode: false, requires_username: true, customScripts: SCRIPTS });
    const email = uniqueEmail('named');
    const res = await create(named, { email, username: 'Jane_Legacy' });
    expect(res.status, res.text).toBe(201);
    expect(store.users.get(email)!.username).toBe('jane_legacy');
    expect(res.body.username).toBe('jane_legacy');
    const creates = count(store, 'POST /users');
    const taken = await create(named, { email: uniqueEmail('other'), username: 'JANE_legacy' });
    expect(taken.text).toBe(JSON.stringify(USER_EXISTS));
    expect(count(store, 'POST /users')).toBe(creates);
  });

  it('answers 409 for an email kept here, before create runs', async () => {
    const email = uniqueEmail('kept');
    expect((await create(legacy, { email })).status).toBe(201);
    const creates = count(store, 'POST /users');
    const res = await create(legacy, { email: email.toUpperCase() });
    expect(res.text).toBe(JSON.stringify(USER_EXISTS));
    expect(count(store, 'POST /users')).toBe(creates);
  });

  it("answers the create script's ValidationError('user_exists') as 409 (JANE is in the store only), and stores nothing", async () => {
    const logins = count(store, 'POST /login');
    const res = await create(legacy, { email: JANE.email });
    expect(res.text).toBe(JSON.stringify(USER_EXISTS));
    expect(count(store, 'POST /login')).toBe(logins);
    expect(await usersByEmail(JANE.email)).toEqual([]);
  });

  it("answers another ValidationError with its code and words as a 400", async () => {
    const picky = await customDbConnection(app, store, {
      import_mode: false,
      customScripts: { ...SCRIPTS, create: "function create(user, callback) { callback(new ValidationError('domain_not_allowed', 'Only staff may be created.')); }" },
    });
    const res = await create(picky, { email: uniqueEmail('picky') });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Only staff may be created.', errorCode: 'domain_not_allowed' });
  });

  it('answers 503 naming create when the legacy store is down, and stores nothing', async () => {
    const down = await customDbConnection(app, { url: 'http://127.0.0.1:9', apiKey: 'x' }, {
      import_mode: false, customScripts: SCRIPTS
    });
    const email = uniqueEmail('down');
    const res = await create(down, { email });
    expect(res.status).toBe(503);
    expect(res.body).toEqual(scriptFailed('create'));
    expect(await usersByEmail(email)).toEqual([]);
  });

  it('refuses user_id (the legacy store gives the id), before any script runs', async () => {
    const creates = count(store, 'POST /users');
    const res = await create(legacy, { email: uniqueEmail('with-id'), user_id: 'mine' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: "Payload validation error: 'user_id cannot be set on a custom database connection without import_mode: the legacy store gives the id' on property user_id.",
    });
    expect(count(store, 'POST /users')).toBe(creates);
  });
});

describe('POST /api/v2/users on a custom database: hostile input and callers', () => {
  const storeCalls = () => [...store.requests.values()].reduce((a, b) => a + b, 0);

  it.each([
    ['an unknown field', { email: uniqueEmail('x'), metadata: { plan: 'full' } }, 'invalid_body'],
    ['a password over 72 bytes', { email: uniqueEmail('x'), password: 'é'.repeat(40) }, 'invalid_body'],
    ['a weak password', { email: uniqueEmail('x'), password: 'a' }, 'invalid_password'],
    ['a malformed email', { email: '<script>alert(1)</script>' }, 'invalid_body'],
    ['a reserved app_metadata name', { email: uniqueEmail('x'), app_metadata: { loginsCount: 1 } }, 'invalid_body'],
    ['an oversized user_metadata value', { email: uniqueEmail('x'), user_metadata: { bio: 'x'.repeat(5000) } }, 'invalid_body'],
  ])('%s: 400, and no script runs', async (_what, body, errorCode) => {
    const before = storeCalls();
    const res = await create(legacy, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.errorCode).toBe(errorCode);
    expect(storeCalls()).toBe(before);
  });

  it('refuses a __proto__ key in app_metadata (metadata rules), before any script runs', async () => {
    const before = storeCalls();
    const email = uniqueEmail('proto');
    const res = await call('users-create', {
      scopes: ['create:users'],
      rawBody: `{"connection":"${legacy.name}","email":"${email}","password":"${PASSWORD}","app_metadata":{"__proto__":{"admin":true}}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Invalid key "__proto__" in app_metadata.', errorCode: 'invalid_body' });
    expect(storeCalls()).toBe(before);
  });

  it('answers 403 without create:users and 401 without a token, and no script runs', async () => {
    const before = storeCalls();
    const forbidden = await create(legacy, { email: uniqueEmail('x') }, ['read:users']);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:users', errorCode: 'insufficient_scope' });
    const anonymous = await call('users-create', { body: { connection: legacy.name, email: uniqueEmail('x'), password: PASSWORD } });
    expect(anonymous.status).toBe(401);
    expect(storeCalls()).toBe(before);
  });
});
