import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLegacyStore, type LegacyStore } from '#infra/local/legacy-store/server';
import type { CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

// Scripts run in the sandbox here: on a loaded machine the integration setup's 1 s budget can run
// out and fail a login. A real budget, then the service imported again.
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { call } = await import('#test/support/api');
const { claimsOf, seedApplication } = await import('#test/support/logins');
const { count, customDbConnection, getUser, JANE, measured, realmLogin, SCRIPT_FAILED, startStore, storeScript } = await import('#test/integration/custom-db/login-fixtures');

/**
 * Legacy mode (no import): the legacy store stays the source of truth. Every login runs `login`;
 * the profile is kept here as a cached copy without a password, its fields refreshed at each
 * login, its metadata ours after the first.
 */
let store: LegacyStore;
let app: { client_id: string; client_secret: string };
let connection: CustomDbConnection;

beforeAll(async () => {
  store = await startStore();
  app = await seedApplication();
  connection = await customDbConnection(app, store, { import_mode: false, customScripts: { login: storeScript('login') } });
});

afterAll(async () => {
  await store.stop();
});

const WRONG = { error: 'invalid_grant', error_description: 'Wrong email or password.' };
const addUser = (name: string, extra: Record<string, unknown> = {}) =>
  store.add({ email: `${name}.legacy@example.com`, password: `${name}-Legacy-pass-1`, user_metadata: {}, metadata: {}, ...extra });

describe('every login runs the login script', () => {
  it('creates the cached copy at the first login, with the metadata, and calls the store at each login', async () => {
    const first = await realmLogin(app, connection, JANE.email, JANE.password);
    expect(first.status, first.text).toBe(200);
    expect(claimsOf(first.body.id_token)).toMatchObject({ sub: 'auth0|1001', email: JANE.email, name: 'Jane Doe' });
    const copy = await getUser('auth0|1001');
    expect(copy.body).toMatchObject({ app_metadata: { plan: 'full' }, user_metadata: { hobby: 'surfing' }, identities: [{ connection: connection.name, user_id: '1001' }] });
    expect(copy.body).not.toHaveProperty('metadata');
    expect((await realmLogin(app, connection, JANE.email, JANE.password)).status).toBe(200);
    expect(count(store, 'POST /login')).toBe(2);
    expect((await getUser('auth0|1001')).body.logins_count).toBe(2);
  });

  it('asks the store, not a local hash, about the password: a changed password works at once, the old one no more', async () => {
    const gina = await addUser('gina');
    expect((await realmLogin(app, connection, gina.email, 'gina-Legacy-pass-1')).status).toBe(200);
    const stored = await store.add({ ...gina, password: 'gina-New-pass-2' });
    expect(stored.id).toBe(gina.id);
    expect((await realmLogin(app, connection, gina.email, 'gina-New-pass-2')).status).toBe(200);
    const old = await realmLogin(app, connection, gina.email, 'gina-Legacy-pass-1');
    expect(old.status).toBe(403);
    expect(old.body).toEqual(WRONG);
  });

  it('refuses a wrong password or an unknown user as any login, and stores nothing', async () => {
    const hal = await addUser('hal');
    for (const [email, password] of [[hal.email, 'Wrong-pass-1'], ['nobody.legacy@example.com', 'Wrong-pass-1']] as const) {
      const res = await realmLogin(app, connection, email, password);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(WRONG);
    }
    expect((await getUser(`auth0|${hal.id}`)).status).toBe(404);
  });

  it('refreshes the profile fields from the store, but keeps our metadata', async () => {
    const ivy = await addUser('ivy', { name: 'Ivy One', metadata: { plan: 'basic' } });
    expect((await realmLogin(app, connection, ivy.email, 'ivy-Legacy-pass-1')).status).toBe(200);
    const patched = await call('users-update', { params: { id: `auth0|${ivy.id}` }, scopes: ['update:users'], body: { app_metadata: { seats: 3 } } });
    expect(patched.status).toBe(200);
    Object.assign(store.users.get(ivy.email)!, { name: 'Ivy Two', given_name: 'Ivy', metadata: { plan: 'changed-in-store' } });
    const res = await realmLogin(app, connection, ivy.email, 'ivy-Legacy-pass-1');
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.id_token)).toMatchObject({ name: 'Ivy Two', given_name: 'Ivy' });
    const copy = await getUser(`auth0|${ivy.id}`);
    expect(copy.body).toMatchObject({ name: 'Ivy Two', given_name: 'Ivy', app_metadata: { plan: 'basic', seats: 3 } });
  });

  it('moves the email claim when the store changed the email, in the same write', async () => {
    const jack = await addUser('jack');
    expect((await realmLogin(app, connection, jack.email, 'jack-Legacy-pass-1')).status).toBe(200);
    const oldEmail = jack.email;
    const record = store.users.get(oldEmail)!;
    store.users.delete(oldEmail);
    record.email = 'jack.renamed@example.com';
    store.users.set(record.email, record);
    expect((await realmLogin(app, connection, record.email, 'jack-Legacy-pass-1')).status).toBe(200);
    const byEmail = (email: string) => call('users-by-email', { query: { email }, scopes: ['read:users'] });
    const old = await byEmail(oldEmail);
    expect(old.body, JSON.stringify(old.body)).toEqual([]);
    expect((await byEmail(record.email)).body).toMatchObject([{ user_id: `auth0|${jack.id}`, email: record.email, email_verified: false }]);
  });

  it('keeps a blocked copy blocked (the script runs; the copy is not changed)', async () => {
    const kim = await addUser('kim');
    expect((await realmLogin(app, connection, kim.email, 'kim-Legacy-pass-1')).status).toBe(200);
    await call('users-update', { params: { id: `auth0|${kim.id}` }, scopes: ['update:users'], body: { blocked: true } });
    store.users.get(kim.email)!.name = 'Kim Renamed';
    const res = await realmLogin(app, connection, kim.email, 'kim-Legacy-pass-1');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', error_description: 'user is blocked' });
    expect((await getUser(`auth0|${kim.id}`)).body.name).not.toBe('Kim Renamed');
  });

  it('counts failures for brute-force protection as any login does', async () => {
    const lee = await addUser('lee');
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) answers.push((await realmLogin(app, connection, lee.email, `Wrong-pass-${i}`)).status);
    expect(answers).toContain(429);
    const before = count(store, 'POST /login');
    expect((await realmLogin(app, connection, lee.email, 'lee-Legacy-pass-1')).status).toBe(429);
    // A refused attempt never reaches the store.
    expect(count(store, 'POST /login')).toBe(before);
  });
});

describe('hostile identifiers', () => {
  it.each([
    ['__proto__', '__proto__'],
    ['markup', '<script>alert(1)</script>@example.com'],
    ['a lone surrogate', 'x\ud800@example.com'],
    ['right-to-left override', 'jane\u202e@example.com'],
    ['10,000 characters', `${'a'.repeat(10_000)}@example.com`],
  ])('answers %s as any wrong login, never a 500', async (_, username) => {
    const res = await realmLogin(app, connection, username, 'Any-pass-1');
    expect(res.status, res.text).toBe(403);
    expect(res.body).toEqual(WRONG);
  });
});

describe('what a legacy login costs', () => {
  it('the counters, the reservations, the copy (read, and written only when the profile changed), then the usual login writes', async () => {
    const mia = await addUser('mia');
    const first = await measured(() => realmLogin(app, connection, mia.email, 'mia-Legacy-pass-1'));
    const again = await measured(() => realmLogin(app, connection, mia.email, 'mia-Legacy-pass-1'));
    store.users.get(mia.email)!.name = 'Mia Renamed';
    const refreshed = await measured(() => realmLogin(app, connection, mia.email, 'mia-Legacy-pass-1'));
    for (const m of [first, again, refreshed]) expect(m.res.status).toBe(200);
    console.log('legacy first login', JSON.stringify(first.db), '\nlegacy later login', JSON.stringify(again.db), '\nlegacy login with a refresh', JSON.stringify(refreshed.db));
    const head = ['BatchGetItem', 'UpdateItem', 'UpdateItem', 'Query'];
    const tail = (commands: string[], from: number) => [...commands.slice(from)].sort();
    // First: the search index declarations (cached outside tests) and the copy's transaction.
    expect(first.db.commands.slice(0, 7)).toEqual([...head, 'Query', 'TransactWriteItems', 'Query']);
    expect(tail(first.db.commands, 7)).toEqual(['DeleteItem', 'PutItem', 'UpdateItem', 'UpdateItem']);
    // Unchanged: no write of the copy.
    expect(again.db.commands.slice(0, 5)).toEqual([...head, 'Query']);
    expect(tail(again.db.commands, 5)).toEqual(['DeleteItem', 'PutItem', 'UpdateItem', 'UpdateItem']);
    // Changed: the name is indexed for search, so the copy's write is a transaction with its
    // index entries, after the declarations' Query (as a PATCH of the name is).
    expect(refreshed.db.commands.slice(0, 7)).toEqual([...head, 'Query', 'TransactWriteItems', 'Query']);
    expect(tail(refreshed.db.commands, 7)).toEqual(['DeleteItem', 'PutItem', 'UpdateItem', 'UpdateItem']);
  });
});

describe('switching the connection to import mode', () => {
  it('moves a cached copy in at its next login (the hash stored, the metadata kept); later logins stay here', async () => {
    const scripts = { login: storeScript('login'), get_user: storeScript('get_user') };
    const switching = await customDbConnection(app, store, { import_mode: false, customScripts: scripts });
    const ola = await addUser('ola', { metadata: { plan: 'full' } });
    expect((await realmLogin(app, switching, ola.email, 'ola-Legacy-pass-1')).status).toBe(200);
    await call('users-update', { params: { id: `auth0|${ola.id}` }, scopes: ['update:users'], body: { user_metadata: { theme: 'dark' } } });
    const patched = await call('connections-update', {
      scopes: ['update:connections'],
      params: { id: switching.id },
      body: { options: { enabledDatabaseCustomization: true, import_mode: true, customScripts: scripts, configuration: { BASE_URL: store.url, API_KEY: store.apiKey } } },
    });
    expect(patched.status, patched.text).toBe(200);

    const before = count(store, 'POST /login');
    const wrong = await realmLogin(app, switching, ola.email, 'Wrong-pass-1');
    expect(wrong.body).toEqual(WRONG);
    expect((await realmLogin(app, switching, ola.email, 'ola-Legacy-pass-1')).status).toBe(200);
    expect(count(store, 'POST /login')).toBe(before + 2);
    expect((await realmLogin(app, switching, ola.email, 'ola-Legacy-pass-1')).status).toBe(200);
    expect(count(store, 'POST /login')).toBe(before + 2);
    expect((await getUser(`auth0|${ola.id}`)).body).toMatchObject({ app_metadata: { plan: 'full' }, user_metadata: { theme: 'dark' }, logins_count: 3 });
  });
});

describe('the store down', () => {
  it('fails every login at once with a reference (the store is the source of truth), and stays failing until it is back', async () => {
    const port = store.port;
    await store.stop();
    const started = performance.now();
    const res = await realmLogin(app, connection, JANE.email, JANE.password);
    // Prompt: a refused connection, far within the 10 s budget a hanging store would use.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(SCRIPT_FAILED);
    store = await startLegacyStore({ port, apiKey: store.apiKey, users: [JANE] });
    expect((await realmLogin(app, connection, JANE.email, JANE.password)).status).toBe(200);
  });
});
