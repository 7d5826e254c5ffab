import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, tableName } from '#shared/db/client';
import { insertConnection } from '#shared/db/connections-repo';
import { userKey } from '#shared/db/keys';
import { call } from '#test/support/api';
import { CONNECTION, seedUser, uniqueEmail } from '#test/support/users';

/**
 * The Management API applies the connection's password policy on create and on a password
 * change, as Auth0 does, and answers without the rules (Auth0's Management API gives none).
 */
const TOO_WEAK = { statusCode: 400, error: 'Bad Request', message: 'PasswordStrengthError: Password is too weak', errorCode: 'invalid_password' };
const NONE = 'users-policy-none';

beforeAll(async () => {
  await insertConnection({
    id: 'con_up_none', name: NONE, strategy: 'auth0', options: {}, enabled_clients: [], realms: [NONE], is_domain_connection: false,
  });
});

describe('password policy on the Management API', () => {
  it('POST /api/v2/users refuses a password the default connection (good) refuses, and writes nothing', async () => {
    const email = uniqueEmail();
    const res = await call('users-create', { scopes: ['create:users'], body: { connection: CONNECTION, email, password: 'correct horse battery staple' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(TOO_WEAK);
    const found = await call('users-by-email', { query: { email }, scopes: ['read:users'] });
    expect(found.body).toEqual([]);
  });

  it('POST /api/v2/users takes any password on a connection without a policy', async () => {
    const user = await seedUser({ connection: NONE, password: 'x' });
    expect(user.identities[0].connection).toBe(NONE);
  });

  it('PATCH refuses a weak new password and keeps the old one', async () => {
    const user = await seedUser();
    const before = await db.send(new GetCommand({ TableName: tableName, Key: userKey(user.user_id) }));
    const res = await call('users-update', { params: { id: user.user_id }, scopes: ['update:users'], body: { password: 'short1A' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(TOO_WEAK);
    const after = await db.send(new GetCommand({ TableName: tableName, Key: userKey(user.user_id) }));
    expect(after.Item).toEqual(before.Item);
  });

  it("PATCH applies the user's own connection's policy", async () => {
    const user = await seedUser({ connection: NONE, password: 'x' });
    const res = await call('users-update', { params: { id: user.user_id }, scopes: ['update:users'], body: { password: 'y' } });
    expect(res.status).toBe(200);
    expect(res.body.last_password_reset).toBe(res.body.updated_at);
  });

  it('PATCH of a password for a missing user is 404', async () => {
    const res = await call('users-update', { params: { id: 'auth0|000000000000000000000000' }, scopes: ['update:users'], body: { password: 'Passw0rd!long' } });
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('inexistent_user');
  });
});
