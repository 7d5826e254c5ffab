import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegacyStore } from '#infra/local/legacy-store/server';
import { call } from '#test/support/api';
import { Browser, pkce, redirectParams, seedSpa, SPA_CALLBACK } from '#test/support/browser-flow';
import { PASSWORD, seedApplication } from '#test/support/logins';
import { uniqueEmail } from '#test/support/users';
import { count, customDbConnection, getUser, JANE, startStore, storeScript, type CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

/**
 * /dbconnections/signup through custom database connections, against a real legacy store on
 * loopback with the Auth0-style scripts: import mode asks get_user first (a user the legacy store
 * has cannot sign up twice); legacy mode runs create, then login, and keeps a cached copy.
 */
let store: LegacyStore;
let app: { client_id: string; client_secret: string };
let importing: CustomDbConnection;
let legacy: CustomDbConnection;

const SCRIPTS = {
  login: storeScript('login'), get_user: storeScript('get_user'), create: storeScript('create'), delete: storeScript('delete'),
  change_password: storeScript('change_password'), change_email: storeScript('change_email'), verify: storeScript('verify'),
};
const INVALID_SIGNUP = { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 };
const scriptFailed = (script: string) => ({
  name: 'BadRequestError',
  code: 'custom_db_error',
  description: expect.stringMatching(new RegExp(`^The connection's ${script} script failed \\(reference [A-Za-z0-9]{12}\\)\\.$`)),
  statusCode: 400,
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

const signup = (connection: CustomDbConnection, body: Record<string, unknown>) =>
  call('signup', { body: { client_id: app.client_id, connection: connection.name, password: PASSWORD, ...body } });
const usersByEmail = async (email: string) => (await call('users-by-email', { query: { email }, scopes: ['read:users'] })).body as Record<string, unknown>[];

describe('signup, import mode', () => {
  it("refuses JANE's email with the usual invalid_signup: get_user found her in the legacy store; nothing is stored", async () => {
    const before = count(store, 'GET /users');
    const res = await signup(importing, { email: JANE.email.toUpperCase() });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(INVALID_SIGNUP);
    expect(count(store, 'GET /users')).toBe(before + 1);
    expect(await usersByEmail(JANE.email)).toEqual([]);
    expect(count(store, 'POST /users')).toBe(0);
  });

  it('signs up an email the legacy store does not have as a normal user here, and never writes to the store', async () => {
    const email = uniqueEmail('importer');
    const res = await signup(importing, { email, user_metadata: { hobby: 'chess' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), email_verified: false, email, user_metadata: { hobby: 'chess' } });
    expect(store.users.has(email)).toBe(false);
    expect(count(store, 'POST /users')).toBe(0);
    const [user] = await usersByEmail(email);
    expect(user).toMatchObject({ user_id: `auth0|${res.body._id}`, identities: [{ connection: importing.name, provider: 'auth0' }] });
  });

  it('answers custom_db_error with a reference when get_user fails, and stores nothing', async () => {
    const broken = await customDbConnection(app, { url: 'http://127.0.0.1:9', apiKey: 'x' }, {
      import_mode: true, customScripts: { login: SCRIPTS.login, get_user: SCRIPTS.get_user },
    });
    const email = uniqueEmail('unreachable');
    const res = await signup(broken, { email });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scriptFailed('get_user'));
    expect(await usersByEmail(email)).toEqual([]);
  });
});

describe('signup, legacy mode', () => {
  it('runs create (the store gets the user with `metadata` and user_metadata), then login, and keeps a cached copy without `metadata`', async () => {
    const email = uniqueEmail('legacy');
    const [creates, logins] = [count(store, 'POST /users'), count(store, 'POST /login')];
    const res = await signup(legacy, { email, user_metadata: { hobby: 'chess' } });
    expect(res.status, res.text).toBe(200);
    const stored = store.users.get(email)!;
    expect(stored).toMatchObject({ email, user_metadata: { hobby: 'chess' }, metadata: {}, email_verified: false });
    expect(res.body).toEqual({ _id: stored.id, email_verified: false, email, user_metadata: { hobby: 'chess' } });
    expect([count(store, 'POST /users'), count(store, 'POST /login')]).toEqual([creates + 1, logins + 1]);

    const user = await getUser(`auth0|${stored.id}`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({
      user_id: `auth0|${stored.id}`, email, email_verified: false, user_metadata: { hobby: 'chess' },
      identities: [{ connection: legacy.name, user_id: stored.id, provider: 'auth0', isSocial: false }],
    });
    expect(user.body).not.toHaveProperty('metadata');
  });

  it("answers the create script's ValidationError with its code and words (JANE is in the store, not here), and stores nothing", async () => {
    const logins = count(store, 'POST /login');
    const res = await signup(legacy, { email: JANE.email });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ name: 'BadRequestError', code: 'user_exists', description: 'The user already exists.', statusCode: 400 });
    expect(count(store, 'POST /login')).toBe(logins);
    expect(await usersByEmail(JANE.email)).toEqual([]);
  });

  it('refuses an email already kept here with invalid_signup, before create runs', async () => {
    const email = uniqueEmail('twice');
    expect((await signup(legacy, { email })).status).toBe(200);
    const creates = count(store, 'POST /users');
    const res = await signup(legacy, { email: email.toUpperCase(), password: 'Other-Passw0rd!' });
    expect(res.body).toEqual(INVALID_SIGNUP);
    expect(count(store, 'POST /users')).toBe(creates);
  });

  it('answers custom_db_error naming create when the create script fails, and stores nothing', async () => {
    const failing = await customDbConnection(app, store, {
      import_mode: false,
      customScripts: { ...SCRIPTS, create: 'function create(user, callback) { callback(new Error("the store is read-only today")); }' },
    });
    const email = uniqueEmail('failing');
    const res = await signup(failing, { email });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scriptFailed('create'));
    expect(res.text).not.toContain('read-only');
    expect(await usersByEmail(email)).toEqual([]);
  });

  it('answers custom_db_error naming login when create succeeded but login then finds no user; nothing is stored here', async () => {
    const forgetful = await customDbConnection(app, store, {
      import_mode: false,
      customScripts: { ...SCRIPTS, login: 'async function login(email, password, callback) { callback(null); }' },
    });
    const email = uniqueEmail('forgetful');
    const res = await signup(forgetful, { email });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scriptFailed('login'));
    expect(store.users.has(email)).toBe(true);
    expect(await usersByEmail(email)).toEqual([]);
  });

  it('fails a profile whose user_id another user of the tenant has, with a reference, and keeps that user as it was', async () => {
    const first = uniqueEmail('first');
    expect((await signup(legacy, { email: first })).status).toBe(200);
    const id = store.users.get(first)!.id;
    // A store that answers every login with the first user's id.
    const sameId = await customDbConnection(app, store, {
      import_mode: false,
      customScripts: { ...SCRIPTS, login: `function login(email, password, callback) { callback(null, { user_id: '${id}', email: email }); }` },
    });
    const email = uniqueEmail('clash');
    const res = await signup(sameId, { email });
    expect(res.body).toEqual(scriptFailed('login'));
    expect(await usersByEmail(email)).toEqual([]);
    expect((await getUser(`auth0|${id}`)).body).toMatchObject({ email: first, identities: [{ connection: legacy.name }] });
  });
});

describe('the hosted signup page, legacy mode', () => {
  let spa: { client_id: string };
  let page: (connection: CustomDbConnection) => Promise<{ browser: Browser; text: string }>;

  beforeAll(async () => {
    spa = await seedSpa();
    page = async (connection) => {
      const browser = new Browser();
      const start = await browser.authorize({
        client_id: spa.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', scope: 'openid', state: 'st',
        screen_hint: 'signup', connection: connection.name, code_challenge: pkce().challenge, code_challenge_method: 'S256',
      });
      const screen = await browser.screen(start.headers.location!);
      expect(screen.status, screen.text).toBe(200);
      return { browser, text: screen.text };
    };
  });

  it('signs up through create and login, and answers with a code', async () => {
    const connection = await customDbConnection(spa, store, { import_mode: false, customScripts: SCRIPTS });
    const { browser, text } = await page(connection);
    const email = uniqueEmail('hosted');
    const done = await browser.submit('signup', text, { email, password: PASSWORD });
    expect(done.status, done.text).toBe(302);
    expect(Object.keys(redirectParams(done)).sort()).toEqual(['code', 'state']);
    expect(store.users.has(email)).toBe(true);
  });

  it("shows a failed create script as a message with the reference (not an error page), and stores nothing", async () => {
    const connection = await customDbConnection(spa, store, {
      import_mode: false, customScripts: { ...SCRIPTS, create: 'function create(user, callback) { throw new Error("boom"); }' },
    });
    const { browser, text } = await page(connection);
    const email = uniqueEmail('hosted-failing');
    const res = await browser.submit('signup', text, { email, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/something went wrong when attempting to sign up \(reference [A-Za-z0-9]{12}\)\./);
    expect(res.text).toContain(`value="${email}"`);
    expect(res.text).not.toContain('boom');
    expect(await usersByEmail(email)).toEqual([]);
  });
});

describe('signup through a custom database: hostile input is refused before any script runs', () => {
  const storeCalls = () => [...store.requests.values()].reduce((a, b) => a + b, 0);
  const body = (email: string, fields: string) =>
    `{"client_id":"${app.client_id}","connection":"${legacy.name}","email":${JSON.stringify(email)},"password":"${PASSWORD}"${fields}}`;

  it.each([
    ['a password over 72 bytes', (e: string) => body(e, '').replace(`"${PASSWORD}"`, JSON.stringify(`Aa1!${'é'.repeat(40)}`)), 'PasswordStrengthError'],
    ['a malformed email', (e: string) => body(`<script>${e}</script>`, ''), 'BadRequestError'],
    ['user_metadata with a __proto__ key', (e: string) => body(e, ',"user_metadata":{"__proto__":{"admin":true}}'), 'BadRequestError'],
    ['user_metadata that is not strings', (e: string) => body(e, ',"user_metadata":{"plan":{"tier":"gold"}}'), 'BadRequestError'],
    ['odd unicode: a lone surrogate in the name', (e: string) => body(e, ',"name":"\\ud800x"'), 'BadRequestError'],
  ])('%s', async (_what, rawBody, name) => {
    const before = storeCalls();
    const email = uniqueEmail('hostile');
    const res = await call('signup', { rawBody: rawBody(email), headers: { 'content-type': 'application/json' } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.name).toBe(name);
    expect(storeCalls()).toBe(before);
    expect(store.users.has(email)).toBe(false);
  });
});
