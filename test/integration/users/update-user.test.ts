import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { db, tableName } from '#shared/db/client';
import { userKey } from '#shared/db/keys';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { userToken } from '#test/support/tokens';
import { CONNECTION, seedUser, uniqueEmail } from '#test/support/users';

const patch = (id: string, body: unknown, extra: { scopes?: string[]; token?: string; headers?: Record<string, string> } = {}) =>
  call('users-update', { params: { id }, body, scopes: extra.token ? undefined : (extra.scopes ?? ['update:users']), ...extra });

let unobserve: (() => void) | undefined;
afterEach(() => unobserve?.());

describe('PATCH /api/v2/users/{id}: metadata merge rules', () => {
  it('merges top-level keys, deletes keys set to null, keeps the others', async () => {
    const user = await seedUser({ user_metadata: { hobby: 'surfing', lang: 'fr', theme: 'light' } });
    const res = await patch(user.user_id, { user_metadata: { hobby: null, theme: 'dark', tz: 'Europe/Paris' } });
    expect(res.status).toBe(200);
    expect(res.body.user_metadata).toEqual({ lang: 'fr', theme: 'dark', tz: 'Europe/Paris' });
  });

  it('replaces a nested object instead of merging it', async () => {
    const user = await seedUser({ user_metadata: { addresses: { home: '1 Main St', work: '2 Side St' } } });
    const res = await patch(user.user_id, { user_metadata: { addresses: { work: '3 New St' } } });
    expect(res.body.user_metadata).toEqual({ addresses: { work: '3 New St' } });
  });

  it('clears the whole object with {}', async () => {
    const user = await seedUser({ user_metadata: { a: 1, b: 2 }, app_metadata: { plan: 'gold' } });
    const res = await patch(user.user_id, { user_metadata: {} });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('user_metadata');
    expect(res.body.app_metadata).toEqual({ plan: 'gold' });
  });

  it('stores any JSON value', async () => {
    const user = await seedUser();
    const value = { list: [1, 'two', { three: true }, null], n: -1.5e-7, big: 1e100, t: true, s: '', nested: { deep: { x: [] } } };
    const res = await patch(user.user_id, { app_metadata: { value } });
    expect(res.body.app_metadata).toEqual({ value });
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body.app_metadata).toEqual({ value });
  });

  // The Query reads the search index declarations: a warm Lambda caches them (SEARCH_INDEX_CACHE_MS),
  // the integration tests turn that cache off; `npm run bench` shows the warm count (no read).
  it('is one conditional UpdateItem with no read of the user', async () => {
    const user = await seedUser();
    const seen: RequestRecord[] = [];
    unobserve = observeRequests((r) => seen.push(r));
    await patch(user.user_id, { user_metadata: { a: 1 }, app_metadata: { b: 2 } });
    expect(seen.map((r) => r.db.commands)).toEqual([['Query', 'UpdateItem']]);
  });

  it('keeps every key when many PATCHes of different keys run at once', async () => {
    const user = await seedUser();
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    const results = await Promise.all(keys.map((k) => patch(user.user_id, { user_metadata: { [k]: k } })));
    expect(results.map((r) => r.status)).toEqual(keys.map(() => 200));
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body.user_metadata).toEqual(Object.fromEntries(keys.map((k) => [k, k])));
    expect(read.headers.etag).toBe(`"${1 + keys.length}"`);
  });
});

describe('PATCH /api/v2/users/{id}: metadata limits', () => {
  it('refuses a dotted key with 400 naming it, and writes nothing', async () => {
    const user = await seedUser({ user_metadata: { keep: 1 } });
    const res = await patch(user.user_id, { user_metadata: { 'a.b': 1, keep: 2 } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: 'Invalid key "a.b" in user_metadata: keys may not contain "." or start with "$".',
    });
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body.user_metadata).toEqual({ keep: 1 });
    expect(read.headers.etag).toBe('"1"');
  });

  it('refuses a value over the byte limit, naming the key and the limit', async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, { user_metadata: { bio: 'x'.repeat(2100) } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('user_metadata.bio is 2102 bytes; the limit is 2048 bytes per top-level value (METADATA_MAX_VALUE_BYTES).');
  });

  it('enforces the key count without a read: new keys past the limit fail, existing keys can still change', async () => {
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const user = await seedUser({ app_metadata: full });
    const more = await patch(user.user_id, { app_metadata: { extra: 1 } });
    expect(more.status).toBe(400);
    expect(more.body.message).toBe('app_metadata would have 51 keys; the limit is 50 (METADATA_MAX_KEYS).');
    const change = await patch(user.user_id, { app_metadata: { k0: 'changed', k1: null } });
    expect(change.status).toBe(200);
    expect(Object.keys(change.body.app_metadata)).toHaveLength(49);
  });

  it('near the limit, falls back to a read and counts exactly: a new key beside an existing one, or a swap', async () => {
    const user = await seedUser({ app_metadata: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, i])) });
    const seen: RequestRecord[] = [];
    unobserve = observeRequests((r) => seen.push(r));
    const mixed = await patch(user.user_id, { app_metadata: { k0: 'changed', extra: 1 } });
    expect(mixed.status).toBe(200);
    expect(Object.keys(mixed.body.app_metadata)).toHaveLength(50);
    expect(seen[0]!.db.commands).toEqual(['Query', 'UpdateItem', 'GetItem', 'UpdateItem']);
    const swap = await patch(user.user_id, { app_metadata: { k1: null, another: 2 } });
    expect(swap.status).toBe(200);
    expect(swap.body.app_metadata).toMatchObject({ another: 2, extra: 1 });
    expect(swap.body.app_metadata).not.toHaveProperty('k1');
    expect(swap.headers.etag).toBe('"3"');
  });

  it('refuses a patch naming more keys than an object may hold, even as deletions', async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, { user_metadata: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, null])) });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('user_metadata has 400 keys; the limit is 50 (METADATA_MAX_KEYS).');
  });

  it('refuses reserved app_metadata names', async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, { app_metadata: { loginsCount: 3 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('app_metadata.loginsCount is a reserved name and cannot be set.');
  });

  it('refuses metadata that is not an object', async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, { user_metadata: null });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      "Payload validation error: 'Expected type object but found type null' on property user_metadata (Data related to the user that does not affect the application's core functionality).",
    );
  });
});

describe('PATCH /api/v2/users/{id}: root fields', () => {
  it('replaces root fields and removes optional ones sent as null', async () => {
    const user = await seedUser({ given_name: 'Ann', family_name: 'Lee' });
    const res = await patch(user.user_id, { given_name: 'Anne', family_name: null, blocked: true, email_verified: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ given_name: 'Anne', blocked: true, email_verified: true });
    expect(res.body).not.toHaveProperty('family_name');
    expect(res.body.updated_at > user.updated_at).toBe(true);
  });

  it('moves the email: the new one is claimed, the old one freed, and it is unverified', async () => {
    const user = await seedUser({ email_verified: true });
    const email = uniqueEmail('moved');
    const res = await patch(user.user_id, { email: email.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email, email_verified: false });
    const byOld = await call('users-by-email', { scopes: ['read:users'], query: { email: user.email } });
    expect(byOld.body).toEqual([]);
    const byNew = await call('users-by-email', { scopes: ['read:users'], query: { email } });
    expect(byNew.body.map((u: { user_id: string }) => u.user_id)).toEqual([user.user_id]);
    const reuse = await call('users-create', { scopes: ['create:users'], body: { connection: CONNECTION, email: user.email, password: 'Passw0rd!long' } });
    expect(reuse.status).toBe(201);
  });

  it('answers 409 when the new email belongs to another user, and changes nothing', async () => {
    const [a, b] = [await seedUser(), await seedUser()];
    const res = await patch(a!.user_id, { email: b!.email, given_name: 'X' });
    expect(res.status).toBe(409);
    const read = await call('users-get', { params: { id: a!.user_id }, scopes: ['read:users'] });
    expect(read.body.email).toBe(a!.email);
    expect(read.body).not.toHaveProperty('given_name');
  });

  it('changes the password hash and records last_password_reset', async () => {
    const user = await seedUser();
    const before = await db.send(new GetCommand({ TableName: tableName, Key: userKey(user.user_id) }));
    const res = await patch(user.user_id, { password: 'another Long secret' });
    expect(res.status).toBe(200);
    expect(res.body.last_password_reset).toBe(res.body.updated_at);
    expect(res.text).not.toContain('another Long secret');
    const after = await db.send(new GetCommand({ TableName: tableName, Key: userKey(user.user_id) }));
    expect(after.Item?.password_hash).toMatch(/^\$argon2id\$/);
    expect(after.Item?.password_hash).not.toBe(before.Item?.password_hash);
  });

  it('refuses an empty body, as Auth0 does', async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, {});
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Payload validation error: 'Too few properties defined (0), minimum 1'.");
  });

  it('accepts the user\'s own connection beside a password (as Auth0 SDKs send it) and refuses another', async () => {
    const user = await seedUser();
    const ok = await patch(user.user_id, { connection: CONNECTION, password: 'a new Long secret' });
    expect(ok.status).toBe(200);
    const other = await patch(user.user_id, { connection: 'elsewhere', password: 'a new Long secret' });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: 'The user has no identity in connection elsewhere', errorCode: 'invalid_body',
    });
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.headers.etag).toBe('"2"');
  });

  it('answers 404 inexistent_user for a missing user', async () => {
    const res = await patch('auth0|000000000000000000000000', { user_metadata: { a: 1 } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
  });
});

describe('PATCH /api/v2/users/{id}: ETag and If-Match', () => {
  it('applies a PATCH whose If-Match is current and answers 412 for a stale one', async () => {
    const user = await seedUser();
    const ok = await patch(user.user_id, { user_metadata: { a: 1 } }, { headers: { 'if-match': '"1"' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await patch(user.user_id, { user_metadata: { a: 2 } }, { headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual({
      statusCode: 412, error: 'Precondition Failed', message: 'The user has changed since the ETag given in If-Match.', errorCode: 'precondition_failed',
    });
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body.user_metadata).toEqual({ a: 1 });
  });

  it('lets exactly one of two writers with the same If-Match win', async () => {
    const user = await seedUser();
    const results = await Promise.all(
      ['x', 'y'].map((v) => patch(user.user_id, { user_metadata: { v } }, { headers: { 'if-match': '"1"' } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it('never answers 412 without If-Match: concurrent deletes and patches of one user settle', async () => {
    const user = await seedUser();
    const results = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => patch(user.user_id, { user_metadata: { [`k${i}`]: i } })),
      call('users-delete', { params: { id: user.user_id }, scopes: ['delete:users'] }),
      call('users-delete', { params: { id: user.user_id }, scopes: ['delete:users'] }),
    ]);
    for (const res of results) expect([200, 204, 404]).toContain(res.status);
    expect((await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] })).status).toBe(404);
  });

  it('guards an email change with If-Match too', async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, { email: uniqueEmail() }, { headers: { 'if-match': '"7"' } });
    expect(res.status).toBe(412);
  });
});

describe('PATCH /api/v2/users/{id}: who may change what', () => {
  it('update:users_app_metadata may change app_metadata only', async () => {
    const user = await seedUser();
    const ok = await patch(user.user_id, { app_metadata: { plan: 'pro' } }, { scopes: ['update:users_app_metadata'] });
    expect(ok.status).toBe(200);
    const refused = await patch(user.user_id, { app_metadata: { plan: 'x' }, email: uniqueEmail(), user_metadata: {} }, { scopes: ['update:users_app_metadata'] });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'You cannot update the following fields: email, user_metadata', errorCode: 'insufficient_scope',
    });
  });

  it("a user's own token changes its user_metadata, not app_metadata, not root fields, not another user", async () => {
    const [me, other] = [await seedUser(), await seedUser()];
    const token = await userToken(me!.user_id, ['update:current_user_metadata']);
    const ok = await patch(me!.user_id, { user_metadata: { theme: 'dark' } }, { token });
    expect(ok.status).toBe(200);
    expect(ok.body.user_metadata).toEqual({ theme: 'dark' });
    const app = await patch(me!.user_id, { app_metadata: { plan: 'free-upgrade' } }, { token });
    expect(app.status).toBe(403);
    expect(app.body.message).toBe('You cannot update the following fields: app_metadata');
    const root = await patch(me!.user_id, { given_name: 'x', email: uniqueEmail() }, { token });
    expect(root.body.message).toBe('You cannot update the following fields: email, given_name');
    const theirs = await patch(other!.user_id, { user_metadata: { theme: 'dark' } }, { token });
    expect(theirs.status).toBe(403);
    expect(theirs.body.errorCode).toBe('insufficient_scope');
  });

  it('create:current_user_metadata adds keys but cannot overwrite or delete them', async () => {
    const me = await seedUser({ user_metadata: { lang: 'fr' } });
    const token = await userToken(me.user_id, ['create:current_user_metadata']);
    const add = await patch(me.user_id, { user_metadata: { theme: 'dark' } }, { token });
    expect(add.status).toBe(200);
    const overwrite = await patch(me.user_id, { user_metadata: { lang: 'de' } }, { token });
    expect(overwrite.status).toBe(403);
    expect(overwrite.body.message).toMatch(/^user_metadata\.lang exists; create:current_user_metadata may only add keys/);
    const remove = await patch(me.user_id, { user_metadata: { lang: null } }, { token });
    expect(remove.status).toBe(403);
    const read = await call('users-get', { params: { id: me.user_id }, scopes: ['read:users'] });
    expect(read.body.user_metadata).toEqual({ lang: 'fr', theme: 'dark' });
  });

  it('delete:current_user_metadata removes keys but cannot set them', async () => {
    const me = await seedUser({ user_metadata: { lang: 'fr', theme: 'dark' } });
    const token = await userToken(me.user_id, ['delete:current_user_metadata']);
    expect((await patch(me.user_id, { user_metadata: { lang: null } }, { token })).status).toBe(200);
    expect((await patch(me.user_id, { user_metadata: { lang: 'de' } }, { token })).status).toBe(403);
  });

  it("names Auth0's three scopes when none is held", async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, { user_metadata: { a: 1 } }, { scopes: ['read:users'] });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403, error: 'Forbidden', errorCode: 'insufficient_scope',
      message: 'Insufficient scope, expected any of: update:users,update:users_app_metadata,update:current_user_metadata',
    });
  });

  it('a machine token with a current-user scope reaches nobody', async () => {
    const user = await seedUser();
    const res = await patch(user.user_id, { user_metadata: { a: 1 } }, { scopes: ['update:current_user_metadata'] });
    expect(res.status).toBe(403);
  });
});
