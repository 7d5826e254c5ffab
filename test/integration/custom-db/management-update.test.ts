import bcrypt from 'bcryptjs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegacyStore } from '#infra/local/legacy-store/server';
import { db, tableName } from '#shared/db/client';
import { userKey } from '#shared/db/keys';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { PASSWORD, seedApplication } from '#test/support/logins';
import { seedUser, uniqueEmail } from '#test/support/users';
import { count, customDbConnection, getUser, realmLogin, startStore, storeScript, type CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

/**
 * PATCH and DELETE /api/v2/users/{id} for users of custom database connections, against a real
 * legacy store on loopback. Legacy mode: the email, the password and the verification change in
 * the legacy store first (change_email, change_password, verify) and DELETE runs delete; every
 * local check comes before the script, and a script that refuses or fails changes nothing here.
 * Import mode: the user is ours, and no script runs.
 */
let store: LegacyStore;
let app: { client_id: string; client_secret: string };
let legacy: CustomDbConnection;

const SCRIPTS = {
  login: storeScript('login'), get_user: storeScript('get_user'), create: storeScript('create'), delete: storeScript('delete'),
  change_password: storeScript('change_password'), change_email: storeScript('change_email'), verify: storeScript('verify'),
};
const NEW_PASSWORD = 'An0ther-Passw0rd!';
const scriptFailed = (script: string) => ({
  statusCode: 503,
  error: 'Service Unavailable',
  message: expect.stringMatching(new RegExp(`^The connection's ${script} script failed \\(reference [A-Za-z0-9]{12}\\)\\.$`)),
  errorCode: 'custom_db_error',
});
const declined = (script: string) => ({
  statusCode: 400, error: 'Bad Request', errorCode: 'operation_not_allowed',
  message: `The connection's ${script} script did not make the change; the user was not changed.`,
});

beforeAll(async () => {
  store = await startStore([]);
  app = await seedApplication();
  legacy = await customDbConnection(app, store, { import_mode: false, customScripts: SCRIPTS });
});

afterAll(async () => {
  await store.stop();
});

/** A user created through the Management API: in the legacy store, and its cached copy here. */
async function legacyUser(connection = legacy, fields: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
  const email = uniqueEmail('patched');
  const res = await call('users-create', { scopes: ['create:users'], body: { connection: connection.name, email, password: PASSWORD, ...fields } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.user_id, email };
}

const patch = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('users-update', { params: { id }, body, scopes: ['update:users'], headers });
const remove = (id: string, headers: Record<string, string> = {}) => call('users-delete', { params: { id }, scopes: ['delete:users'], headers });
const storeCalls = () => [...store.requests.values()].reduce((a, b) => a + b, 0);
const storedItem = async (id: string) => (await db.send(new GetCommand({ TableName: tableName, Key: userKey(id) }))).Item;

describe('PATCH, legacy mode: the script changes the legacy store first', () => {
  it('an email change runs change_email (verified as the body says), then moves the cached copy and its claim', async () => {
    const user = await legacyUser();
    const next = uniqueEmail('moved');
    const res = await patch(user.id, { email: next.toUpperCase(), email_verified: true, user_metadata: { moved: true } });
    expect(res.status, res.text).toBe(200);
    expect(count(store, 'PUT /users/:email/email')).toBe(1);
    expect(store.users.get(next)).toMatchObject({ email: next, email_verified: true });
    expect(store.users.has(user.email)).toBe(false);
    expect(res.body).toMatchObject({ user_id: user.id, email: next, email_verified: true, user_metadata: { moved: true } });
    const found = await call('users-by-email', { query: { email: next }, scopes: ['read:users'] });
    expect(found.body.map((u: { user_id: string }) => u.user_id)).toEqual([user.id]);
  });

  it('a password change runs change_password; the copy records last_password_reset and keeps no hash', async () => {
    const user = await legacyUser();
    const before = count(store, 'PUT /users/:email/password');
    const res = await patch(user.id, { password: NEW_PASSWORD });
    expect(res.status, res.text).toBe(200);
    expect(count(store, 'PUT /users/:email/password')).toBe(before + 1);
    expect(await bcrypt.compare(NEW_PASSWORD, store.users.get(user.email)!.password_hash)).toBe(true);
    expect(res.body.last_password_reset).toBe(res.body.updated_at);
    expect(await storedItem(user.id)).not.toHaveProperty('password_hash');
    expect((await realmLogin(app, legacy, user.email, NEW_PASSWORD)).status).toBe(200);
    expect((await realmLogin(app, legacy, user.email, PASSWORD)).body.error_description).toBe('Wrong email or password.');
  });

  it('email_verified: true on an unverified user runs verify; on a verified one, nothing runs', async () => {
    const user = await legacyUser();
    const before = count(store, 'POST /users/:email/verify');
    const res = await patch(user.id, { email_verified: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.email_verified).toBe(true);
    expect(store.users.get(user.email)!.email_verified).toBe(true);
    expect(count(store, 'POST /users/:email/verify')).toBe(before + 1);
    const again = await patch(user.id, { email_verified: true, name: 'Verified Already' });
    expect(again.status).toBe(200);
    expect(again.body.name).toBe('Verified Already');
    expect(count(store, 'POST /users/:email/verify')).toBe(before + 1);
  });

  it('other fields change here only, with no script', async () => {
    const user = await legacyUser();
    const before = storeCalls();
    const res = await patch(user.id, { name: 'Only Here', app_metadata: { plan: 'gold' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Only Here', app_metadata: { plan: 'gold' } });
    expect(storeCalls()).toBe(before);
  });
});

describe('PATCH, legacy mode: refused here before any script runs', () => {
  it.each([
    ['a wrong If-Match', { name: 'x', email: 'fresh@example.com' }, { 'if-match': '"7"' }, 412, 'precondition_failed'],
    ['a weak password', { password: 'a' }, {}, 400, 'invalid_password'],
    ['a connection the user is not in', { password: NEW_PASSWORD, connection: 'Username-Password-Authentication' }, {}, 400, 'invalid_body'],
    ['email and password together', { email: 'fresh@example.com', password: NEW_PASSWORD }, {}, 400, 'operation_not_allowed'],
    ['password and email_verified together', { password: NEW_PASSWORD, email_verified: true }, {}, 400, 'operation_not_allowed'],
    ['a reserved app_metadata name beside an email change', { email: 'fresh@example.com', app_metadata: { loginsCount: 2 } }, {}, 400, 'invalid_body'],
    ['an unknown field', { email: 'fresh@example.com', metadata: { plan: 'x' } }, {}, 400, 'invalid_body'],
    ['a malformed email', { email: '<script>alert(1)</script>' }, {}, 400, 'invalid_body'],
    ['a password over 72 bytes', { password: 'é'.repeat(40) }, {}, 400, 'invalid_body'],
    ['a __proto__ key in app_metadata beside a new password', { password: NEW_PASSWORD, app_metadata: JSON.parse('{"__proto__":{"admin":true}}') }, {}, 400, 'invalid_body'],
  ])('%s', async (_what, body, headers, status, errorCode) => {
    const user = await legacyUser();
    const before = storeCalls();
    const res = await patch(user.id, body, headers);
    expect(res.status, res.text).toBe(status);
    expect(res.body.errorCode).toBe(errorCode);
    expect(storeCalls()).toBe(before);
    expect((await getUser(user.id)).headers.etag).toBe('"1"');
  });

  it('answers 403 without update:users and 401 without a token, and runs nothing', async () => {
    const user = await legacyUser();
    const before = storeCalls();
    const forbidden = await call('users-update', { params: { id: user.id }, body: { password: NEW_PASSWORD }, scopes: ['update:users_app_metadata'] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'You cannot update the following fields: password', errorCode: 'insufficient_scope' });
    const anonymous = await call('users-update', { params: { id: user.id }, body: { password: NEW_PASSWORD } });
    expect(anonymous.status).toBe(401);
    expect(storeCalls()).toBe(before);
  });

  it("an email another user of the connection has: 409, and change_email does not run", async () => {
    const [user, other] = [await legacyUser(), await legacyUser()];
    const before = storeCalls();
    const res = await patch(user.id, { email: other.email });
    expect(res.status).toBe(409);
    expect(res.body.errorCode).toBe('auth0_idp_error');
    expect(storeCalls()).toBe(before);
  });

  it('the messages of the two-script refusals', async () => {
    const user = await legacyUser();
    expect((await patch(user.id, { email: 'fresh@example.com', password: NEW_PASSWORD })).body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'operation_not_allowed', message: 'Cannot update password and email simultaneously',
    });
    expect((await patch(user.id, { password: NEW_PASSWORD, email_verified: true })).body.message).toBe('Cannot update password and email_verified simultaneously');
    // email_verified: false runs no script, so it may go with a new password.
    expect((await patch(user.id, { password: NEW_PASSWORD, email_verified: false })).status).toBe(200);
  });
});

describe('PATCH, legacy mode: a script that declines or fails changes nothing here', () => {
  it('change_password answering false (the store no longer has the user): 400 naming the script', async () => {
    const user = await legacyUser();
    store.users.delete(user.email);
    const res = await patch(user.id, { password: NEW_PASSWORD, name: 'Not Applied' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(declined('change_password'));
    const read = await getUser(user.id);
    expect(read.headers.etag).toBe('"1"');
    expect(read.body).not.toHaveProperty('last_password_reset');
  });

  it('change_email answering false (the store has the new email): 400 naming the script, the email as it was', async () => {
    const user = await legacyUser();
    const taken = uniqueEmail('store-only');
    await store.add({ email: taken, password: PASSWORD, user_metadata: {}, metadata: {} });
    const res = await patch(user.id, { email: taken });
    expect(res.body).toEqual(declined('change_email'));
    expect((await getUser(user.id)).body.email).toBe(user.email);
  });

  it('a failing script: 503 with a reference, and the user as it was', async () => {
    const failing = await customDbConnection(app, store, {
      import_mode: false,
      customScripts: { ...SCRIPTS, change_email: 'function changeEmail(email, newEmail, verified, callback) { callback(new Error("secret detail")); }' },
    });
    const user = await legacyUser(failing);
    const res = await patch(user.id, { email: uniqueEmail('never') });
    expect(res.status).toBe(503);
    expect(res.body).toEqual(scriptFailed('change_email'));
    expect(res.text).not.toContain('secret detail');
    expect((await getUser(user.id)).body).toMatchObject({ email: user.email });
  });
});

describe('DELETE, legacy mode', () => {
  it('runs delete with the id without auth0|, then deletes the cached copy', async () => {
    const user = await legacyUser();
    const before = count(store, 'DELETE /users/:id');
    const res = await remove(user.id);
    expect(res.status).toBe(204);
    expect(count(store, 'DELETE /users/:id')).toBe(before + 1);
    expect(store.users.has(user.email)).toBe(false);
    expect((await getUser(user.id)).status).toBe(404);
  });

  it('keeps the user when the delete script fails (503 with a reference)', async () => {
    const failing = await customDbConnection(app, store, {
      import_mode: false, customScripts: { ...SCRIPTS, delete: 'async function deleteUser(id, callback) { throw new Error("no"); }' },
    });
    const user = await legacyUser(failing);
    const res = await remove(user.id);
    expect(res.status).toBe(503);
    expect(res.body).toEqual(scriptFailed('delete'));
    expect((await getUser(user.id)).status).toBe(200);
    expect(store.users.has(user.email)).toBe(true);
  });

  it('refuses a wrong If-Match with 412 before the script runs', async () => {
    const user = await legacyUser();
    const before = count(store, 'DELETE /users/:id');
    const res = await remove(user.id, { 'if-match': '"9"' });
    expect(res.status).toBe(412);
    expect(count(store, 'DELETE /users/:id')).toBe(before);
    expect((await getUser(user.id)).status).toBe(200);
  });

  it('answers 403 without delete:users and runs nothing', async () => {
    const user = await legacyUser();
    const before = storeCalls();
    const res = await call('users-delete', { params: { id: user.id }, scopes: ['read:users'] });
    expect(res.status).toBe(403);
    expect(storeCalls()).toBe(before);
  });
});

describe('import mode: the user is ours, and no script runs', () => {
  it('PATCH of email, password and email_verified, and DELETE, make no request to the legacy store', async () => {
    const importing = await customDbConnection(app, store, { import_mode: true, customScripts: SCRIPTS });
    const user = await legacyUser(importing);
    const before = storeCalls();
    expect((await patch(user.id, { email: uniqueEmail('ours'), email_verified: true })).status).toBe(200);
    expect((await patch(user.id, { password: NEW_PASSWORD })).status).toBe(200);
    expect((await storedItem(user.id))?.password_hash).toMatch(/^\$argon2id\$/);
    expect((await remove(user.id)).status).toBe(204);
    expect(storeCalls()).toBe(before);
  });
});

describe('DynamoDB requests', () => {
  const commands = async (run: () => Promise<unknown>) => {
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    try {
      await run();
    } finally {
      stop();
    }
    return seen.map((r) => r.db.commands);
  };

  it('a legacy email change adds one Query (the new email free, before the script); an ordinary one costs what it did', async () => {
    const user = await legacyUser();
    await patch(user.id, { name: 'warm' });
    expect(await commands(() => patch(user.id, { email: uniqueEmail('counted') }))).toEqual([['GetItem', 'Query', 'Query', 'TransactWriteItems']]);
    const plain = await seedUser();
    expect(await commands(() => patch(plain.user_id, { email: uniqueEmail('plain') }))).toEqual([['GetItem', 'Query', 'TransactWriteItems']]);
    expect(await commands(() => patch(plain.user_id, { user_metadata: { a: 1 } }))).toEqual([['Query', 'UpdateItem']]);
  });

  it('a legacy DELETE reads the partition once, as an ordinary one does', async () => {
    const user = await legacyUser();
    const plain = await seedUser();
    const expected = [['Query', 'Query', 'TransactWriteItems', 'Query']];
    expect(await commands(() => remove(user.id))).toEqual(expected);
    expect(await commands(() => remove(plain.user_id))).toEqual(expected);
  });
});
