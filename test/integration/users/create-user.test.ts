import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from '#shared/db/client';
import { userKey } from '#shared/db/keys';
import { call } from '#test/support/api';
import { CONNECTION, seedUser, uniqueEmail } from '#test/support/users';

describe('POST /api/v2/users', () => {
  it("creates a database user with Auth0's defaults and answers 201", async () => {
    const email = uniqueEmail('Chuck');
    const res = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: CONNECTION, email: email.toUpperCase(), password: 'Passw0rd!long', user_metadata: { hobby: 'surfing' } },
    });
    expect(res.status).toBe(201);
    const lower = email.toLowerCase();
    const id = res.body.user_id.slice('auth0|'.length);
    expect(res.body.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(res.body).toEqual({
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      email: lower,
      email_verified: false,
      identities: [{ connection: CONNECTION, user_id: id, provider: 'auth0', isSocial: false }],
      name: lower,
      nickname: lower.split('@')[0],
      picture: expect.stringMatching(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=https%3A%2F%2Fcdn\.auth0\.com%2Favatars%2Fch\.png$/),
      updated_at: res.body.created_at,
      user_id: res.body.user_id,
      user_metadata: { hobby: 'surfing' },
    });
    expect(Object.keys(res.body)).toEqual([...Object.keys(res.body)].sort());
    expect(res.headers.etag).toBe('"1"');
  });

  it('stores the password as an argon2id hash and never returns it', async () => {
    const user = await seedUser({ password: 'a Secret phrase' });
    expect(JSON.stringify(user)).not.toContain('a Secret phrase');
    expect(user).not.toHaveProperty('password');
    expect(user).not.toHaveProperty('password_hash');
    const stored = await db.send(new GetCommand({ TableName: tableName, Key: userKey(user.user_id) }));
    expect(stored.Item?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('answers 409 for an email already used in the connection, whatever its case', async () => {
    const user = await seedUser();
    const res = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: CONNECTION, email: user.email.toUpperCase(), password: 'Passw0rd!long' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'The user already exists.', errorCode: 'auth0_idp_error' });
  });

  it('accepts a custom user_id and refuses it twice', async () => {
    const user = await seedUser({ user_id: 'legacy-42' });
    expect(user.user_id).toBe('auth0|legacy-42');
    const again = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: CONNECTION, email: uniqueEmail(), password: 'Passw0rd!long', user_id: 'legacy-42' },
    });
    expect(again.status).toBe(409);
  });

  it('keeps name, nickname, picture and root fields given', async () => {
    const user = await seedUser({
      name: 'Jane Smith', nickname: 'js', given_name: 'Jane', family_name: 'Smith', email_verified: true, blocked: false,
      picture: 'https://example.com/p.png', app_metadata: { plan: 'gold' },
    });
    expect(user).toMatchObject({
      name: 'Jane Smith', nickname: 'js', given_name: 'Jane', family_name: 'Smith', email_verified: true, blocked: false,
      picture: 'https://example.com/p.png', app_metadata: { plan: 'gold' },
    });
  });

  it('uses initials of a two-word name in the default picture', async () => {
    const user = await seedUser({ name: 'John Doe' });
    expect(user.picture).toMatch(/avatars%2Fjd\.png$/);
  });

  it.each([
    [{ email: 'a@example.com', password: 'x' }, "Payload validation error: 'Missing required property: connection'."],
    [{ connection: CONNECTION, email: 42, password: 'x' }, "Payload validation error: 'Expected type string but found type integer' on property email (The user's email)."],
    [{ connection: CONNECTION, email: 'not-an-email', password: 'x' }, "Payload validation error: 'Object didn't pass validation for format email: not-an-email' on property email (The user's email)."],
    [{ connection: CONNECTION, password: 'x' }, "Payload validation error: 'Missing required property: email'."],
    [{ connection: CONNECTION, email: 'a@example.com' }, "Payload validation error: 'Missing required property: password'."],
    [
      { connection: CONNECTION, email: 'a@example.com', password: 'x', logins_count: 3 },
      `Payload validation error: 'Additional properties not allowed: logins_count (consider storing them in app_metadata or user_metadata. See "Users Metadata" in https://auth0.com/docs/api/v2/changes for more details)'.`,
    ],
    [{ connection: CONNECTION, email: 'a@example.com', password: 'x', user_metadata: [1] }, "Payload validation error: 'Expected type object but found type array' on property user_metadata (Data related to the user that does not affect the application's core functionality)."],
  ])('refuses %j with 400 invalid_body', async (body, message) => {
    const res = await call('users-create', { scopes: ['create:users'], body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message, errorCode: 'invalid_body' });
  });

  it('answers 400 inexistent_connection for an unknown connection', async () => {
    const res = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: 'nope', email: uniqueEmail(), password: 'Passw0rd!long' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The connection does not exist.', errorCode: 'inexistent_connection' });
  });

  it('refuses a username on a connection without requires_username', async () => {
    const res = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: CONNECTION, email: uniqueEmail(), password: 'Passw0rd!long', username: 'chuck' },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Cannot set username for connection without requires_username');
  });

  it('writes nothing when metadata breaks a rule', async () => {
    const email = uniqueEmail();
    const res = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: CONNECTION, email, password: 'Passw0rd!long', app_metadata: { blocked: true } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: 'app_metadata.blocked is a reserved name and cannot be set.', errorCode: 'invalid_body',
    });
    const byEmail = await call('users-by-email', { scopes: ['read:users'], query: { email } });
    expect(byEmail.body).toEqual([]);
    const retry = await call('users-create', { scopes: ['create:users'], body: { connection: CONNECTION, email, password: 'Passw0rd!long' } });
    expect(retry.status).toBe(201);
  });

  it('keeps a __proto__ key from reaching any prototype', async () => {
    const email = uniqueEmail();
    const res = await call('users-create', {
      scopes: ['create:users'],
      rawBody: `{"connection":"${CONNECTION}","email":"${email}","password":"Passw0rd!long","user_metadata":{"__proto__":{"polluted":true}}}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Invalid key "__proto__" in user_metadata.');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a string that is not well-formed Unicode anywhere in the body', async () => {
    const res = await call('users-create', {
      scopes: ['create:users'],
      rawBody: `{"connection":"${CONNECTION}","email":"${uniqueEmail()}","password":"Passw0rd!long","name":"\\ud800lice"}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Payload validation error: 'String is not well-formed Unicode' on property name.");
  });

  it('requires create:users', async () => {
    const res = await call('users-create', { scopes: ['read:users'], body: { connection: CONNECTION } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:users', errorCode: 'insufficient_scope',
    });
  });
});
