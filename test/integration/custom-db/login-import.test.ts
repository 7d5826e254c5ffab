import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LegacyStore } from '#infra/local/legacy-store/server';
import type { CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

// Scripts run in the sandbox here: on a loaded machine the integration setup's 1 s budget can run
// out and fail a login. A real budget, then the service imported again.
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { call } = await import('#test/support/api');
const { claimsOf, login, PASSWORD, seedApplication, seedLoginUser } = await import('#test/support/logins');
const { count, customDbConnection, getUser, JANE, measured, realmLogin, SCRIPT_FAILED, startStore, storeScript } = await import('#test/integration/custom-db/login-fixtures');

/**
 * Import mode (lazy migration): the seed's example user moves in at her first login, with her
 * metadata under Auth0's names, and from then on logs in as any user does, store or no store.
 */
let store: LegacyStore;
let app: { client_id: string; client_secret: string };
let connection: CustomDbConnection;

beforeAll(async () => {
  store = await startStore();
  app = await seedApplication();
  connection = await customDbConnection(app, store, { import_mode: true, customScripts: { login: storeScript('login'), get_user: storeScript('get_user') } });
});

afterAll(async () => {
  await store.stop();
});

const WRONG = { error: 'invalid_grant', error_description: 'Wrong email or password.' };

describe('a migrating login', () => {
  it("moves JANE in: auth0|1001 with app_metadata.plan and user_metadata.hobby, and no `metadata` on the Management API's user", async () => {
    const res = await realmLogin(app, connection, JANE.email, JANE.password);
    expect(res.status, res.text).toBe(200);
    expect(count(store, 'POST /login')).toBe(1);
    const id = claimsOf(res.body.id_token);
    expect(id).toMatchObject({ sub: 'auth0|1001', email: 'jane.doe@example.com', email_verified: true, name: 'Jane Doe', given_name: 'Jane', family_name: 'Doe' });

    const user = await getUser('auth0|1001');
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({
      user_id: 'auth0|1001',
      email: 'jane.doe@example.com',
      email_verified: true,
      name: 'Jane Doe',
      given_name: 'Jane',
      family_name: 'Doe',
      app_metadata: { plan: 'full' },
      user_metadata: { hobby: 'surfing' },
      identities: [{ connection: connection.name, user_id: '1001', provider: 'auth0', isSocial: false }],
      logins_count: 1,
    });
    expect(user.body).not.toHaveProperty('metadata');
    expect(user.body).not.toHaveProperty('password_hash');
  });

  it('logs her in again without calling the store, and refuses a wrong password locally', async () => {
    const before = count(store, 'POST /login');
    expect((await realmLogin(app, connection, JANE.email, JANE.password)).status).toBe(200);
    const wrong = await realmLogin(app, connection, JANE.email, 'Not-her-password-1');
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual(WRONG);
    expect(count(store, 'POST /login')).toBe(before);
  });

  it('answers a user the store does not have, or a wrong password for one it has, as any wrong login; nothing is stored', async () => {
    const carol = await store.add({ email: 'carol.import@example.com', password: 'Carol-legacy-pass-1', user_metadata: {}, metadata: {} });
    const unknown = await realmLogin(app, connection, 'nobody.import@example.com', 'Whatever-pass-1');
    const wrong = await realmLogin(app, connection, carol.email, 'Not-carols-pass-1');
    for (const res of [unknown, wrong]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual(WRONG);
    }
    expect((await getUser(`auth0|${carol.id}`)).status).toBe(404);
    // Then her right password migrates her.
    expect((await realmLogin(app, connection, carol.email, 'Carol-legacy-pass-1')).status).toBe(200);
    expect((await getUser(`auth0|${carol.id}`)).status).toBe(200);
  });

  it('runs rules on the migrating login, with the migrated app_metadata', async () => {
    const rule = await call('rules-create', {
      scopes: ['create:rules'],
      body: {
        name: `plan-claim-${Date.now()}`,
        script: "function (user, context, callback) { context.idToken['https://example.com/plan'] = (user.app_metadata || {}).plan || 'none'; callback(null, user, context); }",
      },
    });
    expect(rule.status, rule.text).toBe(201);
    try {
      const dave = await store.add({ email: 'dave.import@example.com', password: 'Dave-legacy-pass-1', user_metadata: {}, metadata: { plan: 'basic' } });
      const res = await realmLogin(app, connection, dave.email, 'Dave-legacy-pass-1');
      expect(res.status, res.text).toBe(200);
      expect(claimsOf(res.body.id_token)['https://example.com/plan']).toBe('basic');
    } finally {
      await call('rules-delete', { scopes: ['delete:rules'], params: { id: rule.body.id } });
    }
  });
});

describe('two first logins at once', () => {
  it('migrates the user once, and both log in', async () => {
    const nia = await store.add({ email: 'nia.import@example.com', password: 'Nia-legacy-pass-1', user_metadata: {}, metadata: { plan: 'full' } });
    const both = await Promise.all([1, 2].map(() => realmLogin(app, connection, nia.email, 'Nia-legacy-pass-1')));
    for (const res of both) {
      expect(res.status, res.text).toBe(200);
      expect(claimsOf(res.body.id_token).sub).toBe(`auth0|${nia.id}`);
    }
    expect((await getUser(`auth0|${nia.id}`)).body.app_metadata).toEqual({ plan: 'full' });
  });
});

describe('what logins cost', () => {
  it('a migrated login makes exactly the requests, and uses the capacity, of an ordinary login', async () => {
    const ordinary = await seedLoginUser();
    // Warm the application, connection and key caches of both.
    await login(app, { username: ordinary.email, password: PASSWORD });
    await realmLogin(app, connection, JANE.email, JANE.password);

    const plain = await measured(() => login(app, { username: ordinary.email, password: PASSWORD, scope: 'openid profile email' }));
    const migrated = await measured(() => realmLogin(app, connection, JANE.email, JANE.password));
    expect(plain.res.status).toBe(200);
    expect(migrated.res.status).toBe(200);
    expect([...migrated.db.commands].sort()).toEqual([...plain.db.commands].sort());
    expect(migrated.db.readUnits).toBe(plain.db.readUnits);
    expect(migrated.db.writeUnits).toBe(plain.db.writeUnits);
    console.log('ordinary login', JSON.stringify(plain.db), '\nmigrated login', JSON.stringify(migrated.db));
  });

  it("a migrating login is an unknown user's refused login plus the new user's transaction", async () => {
    const erin = await store.add({ email: 'erin.import@example.com', password: 'Erin-legacy-pass-1', user_metadata: { a: 1 }, metadata: { plan: 'full' } });
    const migrating = await measured(() => realmLogin(app, connection, erin.email, 'Erin-legacy-pass-1'));
    expect(migrating.res.status).toBe(200);
    console.log('migrating login', JSON.stringify(migrating.db));
    // An unknown identifier's login (the claims and counters, the decoy's partition, the two
    // reservations, the strong Query of the claim), then the search index declarations (a Query
    // here, cached for SEARCH_INDEX_CACHE_MS outside tests) and the new user's one transaction
    // (profile, email claim, the connection's check), then the login's usual extensions Query and
    // writes (statistics, session, the counters cleared).
    expect(migrating.db.commands).toEqual([
      'BatchGetItem', 'Query', 'UpdateItem', 'UpdateItem', 'Query', 'Query', 'TransactWriteItems', 'Query', ...migrating.db.commands.slice(8),
    ]);
    expect([...migrating.db.commands.slice(8)].sort()).toEqual(['DeleteItem', 'PutItem', 'UpdateItem', 'UpdateItem']);
  });
});

describe('the store down', () => {
  it('fails a migrating login at once with a reference, stores nothing, and migrated users go on logging in', async () => {
    const frank = await store.add({ email: 'frank.import@example.com', password: 'Frank-legacy-pass-1', user_metadata: {}, metadata: {} });
    await store.stop();
    const started = performance.now();
    const res = await realmLogin(app, connection, frank.email, 'Frank-legacy-pass-1');
    // Prompt: a refused connection, far within the 10 s budget a hanging store would use.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(SCRIPT_FAILED);
    expect((await getUser(`auth0|${frank.id}`)).status).toBe(404);

    const jane = await realmLogin(app, connection, JANE.email, JANE.password);
    expect(jane.status, jane.text).toBe(200);
    expect(claimsOf(jane.body.id_token).sub).toBe('auth0|1001');
    expect((await realmLogin(app, connection, JANE.email, 'Not-her-password-1')).body).toEqual(WRONG);
  });
});
