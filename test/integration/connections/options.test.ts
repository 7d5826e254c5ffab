import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { login, PASSWORD, seedApplication } from '#test/support/logins';
import { uniqueEmail } from '#test/support/users';

/**
 * options of a database connection: validated strictly with Auth0's names and bounds, and the
 * ones we honour enforced where Auth0 enforces them (signup, user create, password change, login).
 */
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
let app: { client_id: string; client_secret: string };

beforeAll(async () => {
  app = await seedApplication();
});

async function connectionWith(options: Record<string, unknown>) {
  const res = await call('connections-create', {
    scopes: ['create:connections'],
    body: { name: unique('opt'), strategy: 'auth0', options, enabled_clients: [app.client_id] },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; options: Record<string, unknown> };
}

const signup = (connection: string, fields: Record<string, unknown>) =>
  call('signup', { body: { client_id: app.client_id, connection, email: uniqueEmail('opt'), password: PASSWORD, ...fields } });

const createUser = (connection: string, fields: Record<string, unknown>) =>
  call('users-create', { scopes: ['create:users'], body: { connection, email: uniqueEmail('opt'), password: PASSWORD, ...fields } });

describe('options: validation', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown passwordPolicy', { passwordPolicy: 'strong' }, `'No enum match for: "strong"' on property options.passwordPolicy (Password strength level).`],
    ['min_length 0', { password_complexity_options: { min_length: 0 } }, "'Value 0 is less than minimum 1' on property options.password_complexity_options.min_length."],
    ['min_length 129', { password_complexity_options: { min_length: 129 } }, "'Value 129 is greater than maximum 128' on property options.password_complexity_options.min_length."],
    ['password_history size 25', { password_history: { enable: false, size: 25 } }, "'Value 25 is greater than maximum 24' on property options.password_history.size."],
    ['a dictionary of 201 words', { password_dictionary: { enable: true, dictionary: Array.from({ length: 201 }, (_, i) => `w${i}`) } }, "'Array is too long (201), maximum 200' on property options.password_dictionary.dictionary."],
    ['username max 129', { requires_username: true, validation: { username: { min: 1, max: 129 } } }, "'Value 129 is greater than maximum 128' on property options.validation.username.max."],
    ['username min above max', { requires_username: true, validation: { username: { min: 10, max: 5 } } }, "'validation.username.min must not be greater than validation.username.max' on property options.validation.username."],
    ['an unknown customScripts key', { customScripts: { on_login: 'x' } }, "'Additional properties not allowed: on_login'."],
    ['a non-string script', { customScripts: { login: 42 } }, "'Expected type string but found type integer' on property options.customScripts.login."],
    ['a non-string configuration value', { configuration: { API_KEY: 42 } }, "'Expected type string but found type integer' on property options.configuration.API_KEY."],
    ['a configuration __proto__ key', { configuration: JSON.parse('{"__proto__":"x"}') }, "'Property names __proto__, constructor, prototype are not allowed' on property options.configuration."],
    ['brute_force_protection not boolean', { brute_force_protection: 'yes' }, "'Expected type boolean but found type string' on property options.brute_force_protection."],
  ])('refuses %s with Auth0\'s wording', async (_, options, detail) => {
    const res = await call('connections-create', { scopes: ['create:connections'], body: { name: unique('bad'), strategy: 'auth0', options } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body', message: `Payload validation error: ${detail}` });
  });

  it('refuses password_history enabled (no previous hashes are kept), on create and PATCH, and accepts it disabled', async () => {
    const refused = await call('connections-create', { scopes: ['create:connections'], body: { name: unique('hist'), strategy: 'auth0', options: { password_history: { enable: true, size: 5 } } } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('password_history is not supported here');
    const off = await connectionWith({ password_history: { enable: false, size: 5 } });
    const patch = await call('connections-update', { scopes: ['update:connections'], params: { id: off.id }, body: { options: { password_history: { enable: true, size: 5 } } } });
    expect(patch.status).toBe(400);
  });

  it("keeps Auth0's default options the SDK and Deploy CLI send back (mfa, strategy_version, authentication_methods, passkey_options)", async () => {
    const created = await connectionWith({});
    const roundTrip = await call('connections-update', { scopes: ['update:connections'], params: { id: created.id }, body: { options: created.options } });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body.options).toEqual(created.options);
  });

  it('stores and returns customScripts, enabledDatabaseCustomization and import_mode', async () => {
    const scripts = { login: 'function login(email, password, callback) { callback(null); }', get_user: 'function getByEmail(e, cb) { cb(null); }' };
    const created = await connectionWith({ enabledDatabaseCustomization: true, import_mode: true, customScripts: scripts });
    expect(created.options).toMatchObject({ enabledDatabaseCustomization: true, import_mode: true, customScripts: scripts });
  });
});

describe('options.configuration: secrets', () => {
  it('answers each value as an opaque token, and a GET-then-PATCH round trip keeps the stored values', async () => {
    const created = await connectionWith({ configuration: { API_KEY: 'sk_live_very_secret', REGION: 'eu' } });
    const shown = created.options.configuration as Record<string, string>;
    expect(Object.keys(shown)).toEqual(['API_KEY', 'REGION']);
    expect(shown.API_KEY).toMatch(/^2\.0\$[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(created)).not.toContain('sk_live_very_secret');

    const got = await call('connections-get', { scopes: ['read:connections'], params: { id: created.id } });
    expect(got.body.options.configuration).toEqual(shown);
    expect(got.text).not.toContain('sk_live_very_secret');
    const list = await call('connections-list', { scopes: ['read:connections'] });
    expect(list.text).not.toContain('sk_live_very_secret');

    // The Deploy CLI's round trip: GET, then PATCH the options as read, one value changed.
    const patched = await call('connections-update', {
      scopes: ['update:connections'],
      params: { id: created.id },
      body: { options: { ...got.body.options, configuration: { ...shown, REGION: 'us' } } },
    });
    expect(patched.status).toBe(200);
    const after = patched.body.options.configuration as Record<string, string>;
    expect(after.API_KEY).toBe(shown.API_KEY);
    expect(after.REGION).not.toBe(shown.REGION);

    // The stored values are the originals (read where the custom database scripts will read them).
    const { findConnection } = await import('#shared/db/connections-repo');
    const stored = await findConnection(created.name);
    expect(stored?.options.configuration).toEqual({ API_KEY: 'sk_live_very_secret', REGION: 'us' });

    // A token of another key, or a made-up one, is a new value, not a way to read a secret.
    const swapped = await call('connections-update', {
      scopes: ['update:connections'],
      params: { id: created.id },
      body: { options: { configuration: { REGION: after.API_KEY } } },
    });
    expect(swapped.status).toBe(200);
    expect((await findConnection(created.name))?.options.configuration).toEqual({ REGION: after.API_KEY });
  });
});

describe('options: enforced', () => {
  it('disable_signup: signup refused as Auth0 refuses it; the Management API still creates users', async () => {
    const connection = await connectionWith({ disable_signup: true, passwordPolicy: 'none' });
    const res = await signup(connection.name, {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ name: 'BadRequestError', code: 'operation_not_allowed', description: 'public signup is disabled', statusCode: 400 });
    expect((await createUser(connection.name, {})).status).toBe(201);
  });

  it('requires_username with validation.username: lengths enforced at signup and user create (default 1-15)', async () => {
    const bounded = await connectionWith({ requires_username: true, validation: { username: { min: 4, max: 8 } } });
    const short = await signup(bounded.name, { username: 'abc' });
    expect(short.status).toBe(400);
    expect(short.body).toEqual({ name: 'BadRequestError', code: 'invalid_username', description: 'The username provided is in an invalid format', statusCode: 400 });
    expect((await signup(bounded.name, { username: 'abcdefghi' })).status).toBe(400);
    expect((await signup(bounded.name, { username: 'abcd' })).status).toBe(200);
    const long = await createUser(bounded.name, { username: 'abcdefghi' });
    expect(long.status).toBe(400);
    expect(long.body.message).toBe("Payload validation error: 'String is too long (9 chars), maximum 8' on property username (The user's username).");
    const user = await createUser(bounded.name, { username: 'abcde' });
    expect(user.status).toBe(201);
    const renamed = await call('users-update', { scopes: ['update:users'], params: { id: user.body.user_id }, body: { username: 'ab', connection: bounded.name } });
    expect(renamed.status).toBe(400);
    expect(renamed.body.message).toBe("Payload validation error: 'String is too short (2 chars), minimum 4' on property username (The user's username).");

    const defaults = await connectionWith({ requires_username: true });
    expect((await signup(defaults.name, { username: 'a'.repeat(16) })).status).toBe(400);
    expect((await signup(defaults.name, { username: 'a'.repeat(15) })).status).toBe(200);
  });

  it('password_dictionary: a listed password is refused (case-insensitive) at signup, create and password change', async () => {
    const connection = await connectionWith({ passwordPolicy: 'none', password_dictionary: { enable: true, dictionary: ['Correct-Horse-1'] } });
    const res = await signup(connection.name, { password: 'correct-horse-1' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ name: 'PasswordDictionaryError', message: 'Password is too common', code: 'invalid_password', description: 'Password is too common', statusCode: 400 });
    const created = await createUser(connection.name, { password: 'CORRECT-HORSE-1' });
    expect(created.status).toBe(400);
    expect(created.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'PasswordDictionaryError: Password is too common', errorCode: 'invalid_password' });
    const user = await createUser(connection.name, { password: 'something-else' });
    expect(user.status).toBe(201);
    const change = await call('users-update', { scopes: ['update:users'], params: { id: user.body.user_id }, body: { password: 'Correct-Horse-1', connection: connection.name } });
    expect(change.status).toBe(400);
    expect(change.body.message).toBe('PasswordDictionaryError: Password is too common');
  });

  it('password_no_personal_info: a password holding the email, username or name is refused', async () => {
    const connection = await connectionWith({ passwordPolicy: 'none', password_no_personal_info: { enable: true } });
    const res = await signup(connection.name, { email: 'marguerite@example.com', password: 'xMARGUERITEx' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ name: 'PasswordNoUserInfoError', message: 'Password is based on user information', code: 'invalid_password', description: 'Password is based on user information', statusCode: 400 });
    const named = await createUser(connection.name, { name: 'Hopper', password: 'grace-hopper-9' });
    expect(named.status).toBe(400);
    expect(named.body.message).toBe('PasswordNoUserInfoError: Password is based on user information');
    expect((await signup(connection.name, { email: 'marguerite2@example.com', password: 'unrelated-words' })).status).toBe(200);
  });

  it('brute_force_protection false: no counters, so failures never block', async () => {
    const connection = await connectionWith({ passwordPolicy: 'none', brute_force_protection: false });
    const email = uniqueEmail('bf');
    expect((await createUser(connection.name, { email })).status).toBe(201);
    for (let i = 0; i < 12; i++) {
      const res = await login(app, { realm: connection.name, username: email, password: 'wrong' }, '198.51.100.9');
      expect(res.status).toBe(403);
    }
    const ok = await login(app, { realm: connection.name, username: email, password: PASSWORD }, '198.51.100.9');
    expect(ok.status).toBe(200);

    const guarded = await connectionWith({ passwordPolicy: 'none' });
    const other = uniqueEmail('bf');
    expect((await createUser(guarded.name, { email: other })).status).toBe(201);
    for (let i = 0; i < 10; i++) await login(app, { realm: guarded.name, username: other, password: 'wrong' }, '198.51.100.9');
    const blocked = await login(app, { realm: guarded.name, username: other, password: PASSWORD }, '198.51.100.9');
    expect(blocked.status).toBe(429);
  });
});
