import { beforeAll, describe, expect, it } from 'vitest';
import { insertConnection } from '#shared/db/connections-repo';
import { call } from '#test/support/api';
import { userToken } from '#test/support/tokens';
import { CONNECTION, seedUser, uniqueEmail } from '#test/support/users';

const read = ['read:users'];

describe('GET /api/v2/users/{id}', () => {
  it('reads a user by URL-encoded id, with its ETag', async () => {
    const user = await seedUser({ user_metadata: { lang: 'fr' } });
    const res = await call('users-get', { params: { id: user.user_id }, scopes: read });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(user);
    expect(res.headers.etag).toBe('"1"');
  });

  it('keeps only the listed fields, or drops them with include_fields=false', async () => {
    const user = await seedUser({ user_metadata: { lang: 'fr' } });
    const only = await call('users-get', { params: { id: user.user_id }, scopes: read, query: { fields: 'email,user_metadata' } });
    expect(only.body).toEqual({ email: user.email, user_metadata: { lang: 'fr' } });
    const without = await call('users-get', {
      params: { id: user.user_id }, scopes: read, query: { fields: 'identities,picture', include_fields: 'false' },
    });
    expect(Object.keys(without.body)).toEqual(Object.keys(user).filter((k) => k !== 'identities' && k !== 'picture'));
  });

  it('answers 404 inexistent_user', async () => {
    const res = await call('users-get', { params: { id: 'auth0|ffffffffffffffffffffffff' }, scopes: read });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
  });

  it('refuses an unknown query parameter', async () => {
    const user = await seedUser();
    const res = await call('users-get', { params: { id: user.user_id }, scopes: read, query: { foo: 'bar' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: "Query validation error: 'Additional properties not allowed: foo'.", errorCode: 'invalid_query_string',
    });
  });

  it('lets a read:current_user token read its own user only', async () => {
    const [me, other] = [await seedUser(), await seedUser()];
    const token = await userToken(me!.user_id, ['read:current_user']);
    expect((await call('users-get', { params: { id: me!.user_id }, token })).status).toBe(200);
    const theirs = await call('users-get', { params: { id: other!.user_id }, token });
    expect(theirs.status).toBe(403);
    expect(theirs.body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: read:users,read:user_idp_tokens', errorCode: 'insufficient_scope',
    });
  });
});

describe('GET /api/v2/users-by-email', () => {
  beforeAll(async () => {
    await insertConnection({
      id: 'con_second', name: 'second-db', strategy: 'auth0', options: {}, enabled_clients: [], realms: ['second-db'], is_domain_connection: false,
    });
  });

  it('finds the users of an email in every connection, whatever its case', async () => {
    const email = uniqueEmail('Both');
    const a = await seedUser({ email });
    const b = await seedUser({ email, connection: 'second-db' });
    const res = await call('users-by-email', { scopes: read, query: { email: email.toUpperCase() } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([a, b].sort((x, y) => x.user_id.localeCompare(y.user_id)));
  });

  it('always answers an array, empty when nobody has the email', async () => {
    const res = await call('users-by-email', { scopes: read, query: { email: uniqueEmail() } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('applies fields', async () => {
    const user = await seedUser();
    const res = await call('users-by-email', { scopes: read, query: { email: user.email, fields: 'user_id' } });
    expect(res.body).toEqual([{ user_id: user.user_id }]);
  });

  it('requires the email parameter', async () => {
    const res = await call('users-by-email', { scopes: read });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Query validation error: 'Missing required property: email'.");
  });
});

describe('DELETE /api/v2/users/{id}', () => {
  it('answers 204, the user is gone and the email is free again', async () => {
    const user = await seedUser();
    const res = await call('users-delete', { params: { id: user.user_id }, scopes: ['delete:users'] });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call('users-get', { params: { id: user.user_id }, scopes: read })).status).toBe(404);
    expect((await call('users-by-email', { scopes: read, query: { email: user.email } })).body).toEqual([]);
    const again = await call('users-create', { scopes: ['create:users'], body: { connection: CONNECTION, email: user.email, password: 'Passw0rd!long' } });
    expect(again.status).toBe(201);
  });

  it('answers 204 for a user that does not exist (as Auth0 does)', async () => {
    const res = await call('users-delete', { params: { id: 'auth0|aaaaaaaaaaaaaaaaaaaaaaaa' }, scopes: ['delete:users'] });
    expect(res.status).toBe(204);
  });

  it('honours If-Match', async () => {
    const user = await seedUser();
    const stale = await call('users-delete', { params: { id: user.user_id }, scopes: ['delete:users'], headers: { 'if-match': '"9"' } });
    expect(stale.status).toBe(412);
    const current = await call('users-delete', { params: { id: user.user_id }, scopes: ['delete:users'], headers: { 'if-match': '"1"' } });
    expect(current.status).toBe(204);
  });

  it('lets a delete:current_user token delete only its own user', async () => {
    const [me, other] = [await seedUser(), await seedUser()];
    const token = await userToken(me!.user_id, ['delete:current_user']);
    expect((await call('users-delete', { params: { id: other!.user_id }, token })).status).toBe(403);
    expect((await call('users-delete', { params: { id: me!.user_id }, token })).status).toBe(204);
  });
});
