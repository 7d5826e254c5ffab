import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '#shared/tenant/clients';
import { insertConnection } from '#shared/db/connections-repo';
import { searchIndexKey } from '#shared/db/keys';
import { insertIndexDeclaration } from '#shared/db/search-indexes-repo';
import { call, type CallOptions } from '#test/support/api';
import { CONNECTION, uniqueEmail } from '#test/support/users';

/**
 * POST /dbconnections/signup, refused: every parameter problem answers 400 in Auth0's signup
 * shape `{name, code, description, statusCode}`, with the message as both code and description
 * (as Auth0's user_metadata errors come), and writes nothing.
 */
const USERNAMES = 'signup-errors-usernames';
const SOCIAL = 'signup-errors-social';
const PASSWORD = 'Passw0rd!long';
let clientId: string;

beforeAll(async () => {
  const { client } = await createClient({ name: 'Signup errors', app_type: 'spa', grant_types: ['password'] });
  clientId = client.client_id;
  const base = { enabled_clients: [clientId], is_domain_connection: false };
  await insertConnection({ ...base, id: 'con_se_usernames', name: USERNAMES, strategy: 'auth0', options: { requires_username: true }, realms: [USERNAMES] });
  await insertConnection({ ...base, id: 'con_se_social', name: SOCIAL, strategy: 'google-oauth2', options: {}, realms: [] });
});

const refused = (message: string) => ({ name: 'BadRequestError', code: message, description: message, statusCode: 400 });

async function expectNoUser(email: string) {
  const found = await call('users-by-email', { query: { email }, scopes: ['read:users'] });
  expect(found.status).toBe(200);
  expect(found.body).toEqual([]);
}

/** Sends a valid signup changed by `change` (a key set to undefined is left out), and checks the refusal. */
async function expectRefused(change: Record<string, unknown>, message: string) {
  const email = uniqueEmail('refused');
  const body = Object.fromEntries(
    Object.entries({ client_id: clientId, email, password: PASSWORD, connection: CONNECTION, ...change }).filter(([, v]) => v !== undefined),
  );
  const res = await call('signup', { body });
  expect(res.status).toBe(400);
  expect(res.body).toEqual(refused(message));
  expect(res.text).toBe(JSON.stringify(refused(message)));
  // A request whose email was refused could not have written a user under it.
  if (body.email === email) await expectNoUser(email);
}

describe('POST /dbconnections/signup: parameters', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['no client_id', { client_id: undefined }, 'client_id is required'],
    ['an empty client_id', { client_id: '' }, 'client_id is required'],
    ['a client_id that is not a string', { client_id: 42 }, 'invalid client_id type (expected string)'],
    ['no email', { email: undefined }, 'email is required'],
    ['an email that is not a string', { email: 42 }, 'invalid email type (expected string)'],
    ['a malformed email', { email: 'not-an-email' }, 'invalid email format'],
    ['an over-long email', { email: `${'a'.repeat(250)}@example.com` }, 'invalid email length (only 254 characters are allowed)'],
    ['no password', { password: undefined }, 'password is required'],
    ['a password that is not a string', { password: 12345678 }, 'invalid password type (expected string)'],
    ['no connection', { connection: undefined }, 'connection is required'],
    ['a malformed username', { connection: USERNAMES, username: 'has spaces' }, 'invalid username format'],
    ['an empty given_name', { given_name: '' }, 'invalid given_name length (at least 1 character is required)'],
    ['an over-long family_name', { family_name: 'f'.repeat(151) }, 'invalid family_name length (only 150 characters are allowed)'],
    ['an over-long name', { name: 'n'.repeat(151) }, 'invalid name length (only 150 characters are allowed)'],
    ['an over-long nickname', { nickname: 'n'.repeat(351) }, 'invalid nickname length (only 350 characters are allowed)'],
    ['a name that is not a string', { name: ['Ada'] }, 'invalid name type (expected string)'],
    ['a picture that is not a URL', { picture: 'me.png' }, 'invalid picture format (expected a URL)'],
    ['a phone number not in E.164', { phone_number: '555-0100' }, 'invalid phone_number format (expected E.164, such as +14155550100)'],
  ])('refuses %s', async (_, change, message) => {
    await expectRefused(change, message);
  });

  it('refuses a string that is not well-formed Unicode', async () => {
    const email = uniqueEmail();
    const res = await call('signup', {
      rawBody: `{"client_id":"${clientId}","email":"${email}","password":"${PASSWORD}","connection":"${CONNECTION}","name":"\\ud800lice"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.body).toEqual(refused('invalid name (not well-formed Unicode)'));
    await expectNoUser(email);
  });
});

describe('POST /dbconnections/signup: client and connection', () => {
  it('refuses an unknown client', async () => {
    await expectRefused({ client_id: 'no-such-client' }, 'Unknown client');
  });

  it('refuses an over-long client_id without looking it up', async () => {
    await expectRefused({ client_id: 'c'.repeat(3000) }, 'Unknown client');
  });

  it('refuses an unknown connection, even an over-long one', async () => {
    await expectRefused({ connection: 'no-such-connection' }, 'The connection does not exist.');
    await expectRefused({ connection: 'c'.repeat(3000) }, 'The connection does not exist.');
  });

  it('refuses a connection that is not a database connection', async () => {
    await expectRefused({ connection: SOCIAL }, 'This endpoint only works for database connections.');
  });

  it('refuses a username on a connection without usernames, and requires one where it must', async () => {
    await expectRefused({ username: 'ada' }, 'Cannot set username for connection without requires_username');
    await expectRefused({ connection: USERNAMES }, 'username is required');
  });
});

describe('POST /dbconnections/signup: user_metadata limits', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'plan=silver', 'invalid user_metadata type (expected object)'],
    ['an array', ['silver'], 'invalid user_metadata type (expected object)'],
    ['null', null, 'invalid user_metadata type (expected object)'],
    ['a number value', { age: 42 }, 'invalid user_metadata.age type (only strings are allowed)'],
    ['a boolean value', { consentGiven: true }, 'invalid user_metadata.consentGiven type (only strings are allowed)'],
    ['an object value', { address: { city: 'Paris' } }, 'invalid user_metadata.address type (only strings are allowed)'],
    ['a null value', { plan: null }, 'invalid user_metadata.plan type (only strings are allowed)'],
    [
      '11 properties',
      Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])),
      'invalid user_metadata size (only 10 properties are allowed)',
    ],
    ['a 101-character name', { ['k'.repeat(101)]: 'v' }, 'invalid user_metadata property name (only 100 characters are allowed)'],
    ['a 501-character value', { bio: 'b'.repeat(501) }, 'invalid user_metadata.bio length (only 500 characters are allowed)'],
    ['a dotted name', { 'a.b': 'v' }, 'Invalid key "a.b" in user_metadata: keys may not contain "." or start with "$".'],
    ['a name starting with $', { $where: 'v' }, 'Invalid key "$where" in user_metadata: keys may not contain "." or start with "$".'],
  ])('refuses %s', async (_, user_metadata, message) => {
    await expectRefused({ user_metadata }, message);
  });

  it('refuses __proto__ as a name without touching any prototype', async () => {
    const email = uniqueEmail();
    const res = await call('signup', {
      rawBody: `{"client_id":"${clientId}","email":"${email}","password":"${PASSWORD}","connection":"${CONNECTION}","user_metadata":{"__proto__":"x"}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.body).toEqual(refused('Invalid key "__proto__" in user_metadata.'));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    await expectNoUser(email);
  });
});

describe('POST /dbconnections/signup: bodies', () => {
  const send = (options: CallOptions) => call('signup', options);

  it('refuses a body that is not JSON, or not a JSON object', async () => {
    for (const rawBody of ['{"client_id":', '["a"]', '"a"', 'null']) {
      const res = await send({ rawBody, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(refused('Invalid request payload JSON format'));
    }
  });

  it('treats an empty JSON body as missing every parameter', async () => {
    const res = await send({ rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(res.body).toEqual(refused('client_id is required'));
  });

  it('answers 415 for a body that is neither JSON nor a form', async () => {
    const res = await send({ rawBody: 'client_id=x', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ name: 'UnsupportedMediaTypeError', code: 'Unsupported Media Type', description: 'Unsupported Media Type', statusCode: 415 });
  });

  it.each([
    ['user_metadata=plan', 'invalid user_metadata type (expected object)'],
    ['user_metadata[address][city]=Paris', 'invalid user_metadata.address type (only strings are allowed)'],
  ])('refuses form user_metadata %s', async (field, message) => {
    const email = uniqueEmail();
    const form = `${new URLSearchParams({ client_id: clientId, email, password: PASSWORD, connection: CONNECTION })}&${field}`;
    const res = await send({ rawBody: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.body).toEqual(refused(message));
    await expectNoUser(email);
  });
});

describe('POST /dbconnections/signup: declared search indexes', () => {
  it('refuses, in the signup shape, user_metadata that a declared index types otherwise (signup values are strings)', async () => {
    await insertIndexDeclaration(searchIndexKey('user_metadata.age'), {
      path: 'user_metadata.age', type: 'number', status: 'ready', generation: 'se1', shards: 2, mixed: false,
      created_at: new Date().toISOString(), job_id: 'job_test',
    }, undefined);
    await expectRefused(
      { user_metadata: { age: '42' } },
      'user_metadata.age is indexed for search as number (see /api/v2/search-indexes); this write gives it a string.',
    );
  });
});
