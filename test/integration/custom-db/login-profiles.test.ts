import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

// Scripts run in the sandbox here: on a loaded machine the integration setup's 1 s budget can run
// out and fail a login. A real budget, then the service imported again.
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { call } = await import('#test/support/api');
const { seedApplication } = await import('#test/support/logins');
const { customDbConnection, getUser, profileScript, realmLogin, SCRIPT_FAILED } = await import('#test/integration/custom-db/login-fixtures');

/**
 * The profiles a login script may call back with: `metadata` (the seed's name for app_metadata),
 * `app_metadata` (Auth0's templates), both (app_metadata wins a shared key), and the bad ones,
 * which fail the login with a reference and store nothing. The script answers from a table, with
 * no network.
 */
const PASSWORD = 'right-password';
const base = (id: string, extra: Record<string, unknown> = {}) => ({ user_id: id, email: `${id}@profiles.example.com`, ...extra });

const GOOD = {
  'seed@profiles.example.com': base('seed', { metadata: { plan: 'full' }, user_metadata: { hobby: 'surfing' } }),
  'template@profiles.example.com': base('template', { app_metadata: { plan: 'pro' } }),
  'both@profiles.example.com': base('both', { metadata: { plan: 'old', region: 'eu' }, app_metadata: { plan: 'new', tier: 2 } }),
  'numeric@profiles.example.com': { user_id: 4242, email: 'numeric@profiles.example.com', metadata: null, email_verified: false },
  'nulls@profiles.example.com': base('nulls', { name: null, picture: '', user_metadata: { kept: 'yes', dropped: null } }),
  'markup@profiles.example.com': base('<script>alert(1)</script>', { email: 'markup@profiles.example.com' }),
  'alias@profiles.example.com': base('alias', { email: 'seed@profiles.example.com' }),
  'legacyboth@profiles.example.com': base('legacyboth', { metadata: { plan: 'old', region: 'eu' }, app_metadata: { plan: 'new' } }),
};

/** Each bad profile is answered for `case<i>@…`; it carries that email unless its email is the fault. */
const BAD: [string, (email: string) => Record<string, unknown>][] = [
  ['no user_id', (email) => ({ email })],
  ['user_id not a string', (email) => ({ user_id: { id: 1 }, email })],
  ['user_id a fraction', (email) => ({ user_id: 1.5, email })],
  ['user_id with "|"', (email) => ({ user_id: 'auth0|abc', email })],
  ['user_id with a space', (email) => ({ user_id: 'a b', email })],
  ['user_id with "%"', (email) => ({ user_id: 'a%2Fb', email })],
  ['user_id with a lone surrogate', (email) => ({ user_id: 'abc\ud800', email })],
  ['user_id over 200 characters', (email) => ({ user_id: 'a'.repeat(201), email })],
  ['no email', () => ({ user_id: 'noemail' })],
  ['email not an address', () => ({ user_id: 'notaddress', email: 'not-an-address' })],
  ['metadata an array', (email) => base('metaarray', { email, metadata: ['plan'] })],
  ['app_metadata a string', (email) => base('appstring', { email, app_metadata: 'full' })],
  ['user_metadata a number', (email) => base('usernum', { email, user_metadata: 7 })],
  ['a reserved app_metadata key', (email) => base('reserved', { email, metadata: { email: 'x@example.com' } })],
  ['a key with a dot', (email) => base('dotkey', { email, user_metadata: { 'a.b': 1 } })],
  ['a __proto__ key', (email) => base('protokey', { email, app_metadata: JSON.parse('{"__proto__": {"admin": true}}') })],
  ['email_verified a string', (email) => base('verifiedstring', { email, email_verified: 'yes' })],
  ['a name of 151 characters', (email) => base('longname', { email, name: 'n'.repeat(151) })],
  ['a javascript: picture', (email) => base('jspicture', { email, picture: 'javascript:alert(1)' })],
];
const caseEmail = (i: number) => `case${i}@profiles.example.com`;

let app: { client_id: string; client_secret: string };
let imported: CustomDbConnection;
let legacy: CustomDbConnection;

beforeAll(async () => {
  app = await seedApplication();
  const table = { ...GOOD, ...Object.fromEntries(BAD.map(([, profile], i) => [caseEmail(i), profile(caseEmail(i))])) };
  imported = await customDbConnection(app, undefined, { import_mode: true, customScripts: { login: profileScript(table) } });
  legacy = await customDbConnection(app, undefined, { import_mode: false, customScripts: { login: profileScript(table) } });
});

describe('metadata naming', () => {
  it("stores the seed's `metadata` as app_metadata", async () => {
    expect((await realmLogin(app, imported, 'seed@profiles.example.com', PASSWORD)).status).toBe(200);
    const user = await getUser('auth0|seed');
    expect(user.body).toMatchObject({ app_metadata: { plan: 'full' }, user_metadata: { hobby: 'surfing' } });
    expect(user.body).not.toHaveProperty('metadata');
  });

  it("stores Auth0's template `app_metadata` as it is", async () => {
    expect((await realmLogin(app, imported, 'template@profiles.example.com', PASSWORD)).status).toBe(200);
    expect((await getUser('auth0|template')).body.app_metadata).toEqual({ plan: 'pro' });
  });

  it('merges both, app_metadata winning on a key both have', async () => {
    expect((await realmLogin(app, imported, 'both@profiles.example.com', PASSWORD)).status).toBe(200);
    expect((await getUser('auth0|both')).body.app_metadata).toEqual({ plan: 'new', region: 'eu', tier: 2 });
  });

  it('takes an integer user_id as its digits, null metadata as none, and drops empty fields and null metadata values', async () => {
    expect((await realmLogin(app, imported, 'numeric@profiles.example.com', PASSWORD)).status).toBe(200);
    const numeric = await getUser('auth0|4242');
    expect(numeric.status).toBe(200);
    expect(numeric.body).not.toHaveProperty('app_metadata');
    expect((await realmLogin(app, imported, 'nulls@profiles.example.com', PASSWORD)).status).toBe(200);
    const nulls = await getUser('auth0|nulls');
    expect(nulls.body).toMatchObject({ name: 'nulls@profiles.example.com', user_metadata: { kept: 'yes' } });
    expect(nulls.body.user_metadata).not.toHaveProperty('dropped');
    expect(nulls.body.picture).toMatch(/^https:\/\//);
  });

  it('names them the same way in legacy mode, for the cached copy', async () => {
    expect((await realmLogin(app, legacy, 'legacyboth@profiles.example.com', PASSWORD)).status).toBe(200);
    const user = await getUser('auth0|legacyboth');
    expect(user.body).toMatchObject({ app_metadata: { plan: 'new', region: 'eu' }, identities: [{ connection: legacy.name }] });
    expect(user.body).not.toHaveProperty('metadata');
  });

  it("refuses a profile whose user_id is another connection's user (ids are unique across connections)", async () => {
    // auth0|both moved into the import connection above.
    const res = await realmLogin(app, legacy, 'both@profiles.example.com', PASSWORD);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(SCRIPT_FAILED);
    expect((await getUser('auth0|both')).body.identities[0].connection).toBe(imported.name);
  });
});

describe('a profile that clashes with a user here', () => {
  it('fails the migrating login with a reference when its email is another user\'s, and stores nothing', async () => {
    // auth0|seed holds seed@profiles.example.com in this connection (the first test).
    const res = await realmLogin(app, imported, 'alias@profiles.example.com', PASSWORD);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(SCRIPT_FAILED);
    expect((await getUser('auth0|alias')).status).toBe(404);
  });
});

describe('bad profiles fail the login with a reference, and nothing is stored', () => {
  it.each(BAD.map(([why], i) => [why, i] as const))('%s', async (_why, i) => {
    for (const connection of [imported, legacy]) {
      const res = await realmLogin(app, connection, caseEmail(i), PASSWORD);
      expect(res.status, res.text).toBe(403);
      expect(res.body).toEqual(SCRIPT_FAILED);
    }
    const found = await call('users-by-email', { query: { email: caseEmail(i) }, scopes: ['read:users'] });
    expect(found.body).toEqual([]);
    const id = BAD[i]![1](caseEmail(i)).user_id;
    if (typeof id === 'string' && /^\w+$/.test(id)) expect((await getUser(`auth0|${id}`)).status).toBe(404);
  });

  it('gives each failure its own reference', async () => {
    const [a, b] = [await realmLogin(app, imported, caseEmail(0), PASSWORD), await realmLogin(app, imported, caseEmail(0), PASSWORD)];
    expect(a.body.error_description).not.toBe(b.body.error_description);
  });
});

describe('odd but valid profiles', () => {
  it('keeps a user_id with markup verbatim: it is data, escaped wherever it is shown', async () => {
    expect((await realmLogin(app, imported, 'markup@profiles.example.com', PASSWORD)).status).toBe(200);
    const user = await getUser('auth0|<script>alert(1)</script>');
    expect(user.status).toBe(200);
    expect(user.body.identities[0].user_id).toBe('<script>alert(1)</script>');
  });
});
