import { createRequire } from 'node:module';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallResult } from '#test/support/api';

// The actions here run in the sandbox: on a loaded machine the integration setup's 1 s budget can
// run out and fail a signup. A real budget, then the service imported again.
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { insertConnection } = await import('#shared/db/connections-repo');
const { call } = await import('#test/support/api');
const { seedSpa } = await import('#test/support/browser-flow');
const { CONNECTION, uniqueEmail } = await import('#test/support/users');
const { bindOnly, bindRegistration, usersWithEmail } = await import('#test/integration/registration/support');

/**
 * Signup from Lock 14.3 (auth0.js 9.32), through the route table and DynamoDB Local. The bodies
 * are built as Lock builds them (connection/database/actions.js signUp, core/web_api/p2_api.js,
 * auth0-js authentication/db-connection.js): every additionalSignUpFields value is a string (a
 * checkbox "true" or "false", a hidden field its `value`), in user_metadata, or at the root for
 * `storage: 'root'`; `user_metadata` is sent (maybe empty) whenever extra fields are configured;
 * the page's `state` rides along when Lock is given one. Each refusal is checked for the text Lock
 * then shows, read from Lock's own English dictionary the way Lock picks it.
 */
const PASSWORD = 'Passw0rd!long';
const LOCK_ORIGIN = 'https://shop.example.com';
const AUTH0_CLIENT = Buffer.from(JSON.stringify({ name: 'lock.js', version: '14.3.0', env: { 'auth0.js': '9.32.0' } })).toString('base64');
const STRICT = 'lock-signup-strict';
const CLOSED = 'lock-signup-closed';
let clientId: string;

const require = createRequire(import.meta.url);
const lockEnglish = (require('auth0-lock/lib/i18n/en.js') as { default: { error: { signUp: Record<string, string> } } }).default.error.signUp;

beforeAll(async () => {
  clientId = (await seedSpa({ callbacks: [`${LOCK_ORIGIN}/account`], web_origins: [LOCK_ORIGIN], allowed_origins: [LOCK_ORIGIN] })).client_id;
  const base = { strategy: 'auth0', enabled_clients: [clientId], is_domain_connection: false };
  await insertConnection({
    ...base, id: 'con_lock_strict', name: STRICT, realms: [STRICT],
    options: { passwordPolicy: 'good', password_dictionary: { enable: true, dictionary: ['Correct-Horse-9'] }, password_no_personal_info: { enable: true } },
  });
  await insertConnection({ ...base, id: 'con_lock_closed', name: CLOSED, realms: [CLOSED], options: { disable_signup: true } });
});

afterEach(() => bindRegistration([]));

interface LockSignup {
  email: string;
  password?: string;
  connection?: string;
  /** additionalSignUpFields stored in user_metadata (the default storage). */
  metadata?: Record<string, string>;
  /** additionalSignUpFields with `storage: 'root'`. */
  root?: Record<string, string>;
  /** `auth.params.state` given to Lock. */
  state?: string;
}

/**
 * auth0.js's body, key order included: baseOptions' client_id and state, then Lock's params
 * (connection, email, password, root fields), then user_metadata re-added last.
 */
function lockBody(s: LockSignup): Record<string, unknown> {
  return {
    client_id: clientId,
    ...(s.state !== undefined ? { state: s.state } : {}),
    connection: s.connection ?? CONNECTION,
    email: s.email,
    password: s.password ?? PASSWORD,
    ...s.root,
    ...(s.metadata || s.root ? { user_metadata: s.metadata ?? {} } : {}),
  };
}

function lockSignup(s: LockSignup): Promise<CallResult> {
  return call('signup', {
    rawBody: JSON.stringify(lockBody(s)),
    headers: { 'content-type': 'application/json', 'auth0-client': AUTH0_CLIENT, origin: LOCK_ORIGIN, 'user-agent': 'Mozilla/5.0 (Lock test)' },
  });
}

/**
 * The message Lock shows for a refused signup: auth0.js's response-handler.js makes the error
 * (`code` from code|error|error_code|status, `description`, `name`), then Lock's signUpError picks
 * `error.signUp[key]` where key is the password error's name for invalid_password, else the code;
 * hook_error shows the description; anything unknown shows `lock.fallback`.
 */
function lockShows(res: CallResult): string {
  const body = res.body as Record<string, unknown>;
  const code = (body.code ?? body.error ?? body.error_code ?? body.status ?? null) as string | null;
  const description = (body.error_description ?? body.description ?? body.error ?? null) as unknown;
  const passwordKeys: Record<string, string> = {
    PasswordDictionaryError: 'password_dictionary_error',
    PasswordNoUserInfoError: 'password_no_user_info_error',
    PasswordStrengthError: 'password_strength_error',
  };
  const name = typeof body.name === 'string' ? body.name : '';
  const key = (code === 'invalid_password' && Object.hasOwn(passwordKeys, name) ? passwordKeys[name] : code) ?? '';
  const text = Object.hasOwn(lockEnglish, key) ? lockEnglish[key]! : lockEnglish['lock.fallback']!;
  if (code === 'hook_error') return typeof description === 'string' && description ? description : text;
  return text;
}

const FALLBACK = "We're sorry, something went wrong when attempting to sign up.";
const readUser = async (id: string) => (await call('users-get', { params: { id: `auth0|${id}` }, scopes: ['read:users'] })).body;

async function expectRefusedBy(res: CallResult, message: string, email: string) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ name: 'BadRequestError', code: message, description: message, statusCode: 400 });
  expect(lockShows(res)).toBe(FALLBACK);
  expect(await usersWithEmail(email)).toEqual([]);
}

describe('signup with additionalSignUpFields', () => {
  it("stores a text field, a checkbox and a hidden field in user_metadata as strings, and a storage:'root' name at the root", async () => {
    const email = uniqueEmail('lock');
    const res = await lockSignup({
      email,
      root: { given_name: 'Ada' },
      metadata: { favorite_color: 'teal', newsletter: 'true', referral: 'spring-campaign' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // Lock reads the answer only if CORS lets it (the CORS headers themselves: cors.test.ts).
    expect(res.headers['access-control-allow-origin']).toBe(LOCK_ORIGIN);
    expect(res.body).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      email_verified: false,
      email,
      given_name: 'Ada',
      user_metadata: { favorite_color: 'teal', newsletter: 'true', referral: 'spring-campaign' },
    });
    const user = await readUser(res.body._id);
    expect(user).toMatchObject({ email, given_name: 'Ada', user_metadata: { favorite_color: 'teal', newsletter: 'true', referral: 'spring-campaign' } });
    expect(user.app_metadata ?? {}).toEqual({});
  });

  it('keeps an unchecked checkbox as the string "false", and takes the state Lock was given without storing it', async () => {
    const email = uniqueEmail('lock-false');
    const res = await lockSignup({ email, state: 'page-state-123', metadata: { newsletter: 'false', plan: '' } });
    expect(res.status, res.text).toBe(200);
    const user = await readUser(res.body._id);
    expect(user.user_metadata).toEqual({ newsletter: 'false', plan: '' });
    expect(JSON.stringify(user)).not.toContain('page-state-123');
  });

  it("takes the empty user_metadata Lock sends when every extra field is storage:'root'", async () => {
    const email = uniqueEmail('lock-root');
    const res = await lockSignup({ email, root: { given_name: 'Grace', family_name: 'Hopper', name: 'Grace Hopper', nickname: 'amazing' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      _id: expect.any(String), email_verified: false, email, given_name: 'Grace', family_name: 'Hopper', name: 'Grace Hopper', nickname: 'amazing',
    });
  });

  it("stores a storage:'root' field that is not a profile attribute nowhere (Auth0 keeps only its own root fields)", async () => {
    const email = uniqueEmail('lock-extra-root');
    const res = await lockSignup({ email, root: { company: 'Initech' }, metadata: { plan: 'silver' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ _id: expect.any(String), email_verified: false, email, user_metadata: { plan: 'silver' } });
    expect(JSON.stringify(await readUser(res.body._id))).not.toContain('Initech');
  });

  it('stores ten fields of 500 characters each, markup and any Unicode included, as plain data', async () => {
    const email = uniqueEmail('lock-full');
    const metadata = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`field_${i}`, String(i).repeat(500)]));
    metadata.bio = '<script>alert(1)</script>'.padEnd(500, '!');
    metadata.motto = 'ﷺ 🦄 مرحبا \u202e'.padEnd(500, '.');
    const res = await lockSignup({ email, metadata });
    expect(res.status, res.text).toBe(200);
    expect((await readUser(res.body._id)).user_metadata).toEqual(metadata);
  });

  it('stores a field Lock may name `constructor` (its names match ^[a-zA-Z0-9_]+$) as any other', async () => {
    const email = uniqueEmail('lock-ctor');
    const res = await lockSignup({ email, metadata: { constructor: 'Bob the Builder', toString: 'x', __defineGetter__: 'y' } });
    expect(res.status, res.text).toBe(200);
    expect((await readUser(res.body._id)).user_metadata).toEqual({ constructor: 'Bob the Builder', toString: 'x', __defineGetter__: 'y' });
  });
});

describe('refusals, and what Lock shows for them', () => {
  it('refuses an eleventh field: Auth0 validation answer, Lock shows its fallback, no user', async () => {
    const email = uniqueEmail('lock-eleven');
    const metadata = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, 'v']));
    await expectRefusedBy(await lockSignup({ email, metadata }), 'invalid user_metadata size (only 10 properties are allowed)', email);
  });

  it('refuses an over-long field (501 characters), and an over-long root given_name (151)', async () => {
    const email = uniqueEmail('lock-long');
    await expectRefusedBy(
      await lockSignup({ email, metadata: { bio: 'b'.repeat(501) } }),
      'invalid user_metadata.bio length (only 500 characters are allowed)',
      email,
    );
    await expectRefusedBy(
      await lockSignup({ email, root: { given_name: 'g'.repeat(151) } }),
      'invalid given_name length (only 150 characters are allowed)',
      email,
    );
  });

  it('refuses a field name the metadata rules forbid', async () => {
    const email = uniqueEmail('lock-dotted');
    await expectRefusedBy(
      await lockSignup({ email, metadata: { $where: 'x' } }),
      'Invalid key "$where" in user_metadata: keys may not contain "." or start with "$".',
      email,
    );
  });

  it('answers a weak password with PasswordStrengthError and its policy: Lock shows "Password is too weak."', async () => {
    const email = uniqueEmail('lock-weak');
    const res = await lockSignup({ email, connection: STRICT, password: 'short', metadata: { plan: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ name: 'PasswordStrengthError', code: 'invalid_password', statusCode: 400, policy: expect.stringContaining('* At least 8 characters in length') });
    expect(res.body.description.verified).toBe(false);
    expect(lockShows(res)).toBe('Password is too weak.');
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('answers a dictionary password and a password holding the email with the errors Lock names', async () => {
    const email = uniqueEmail('lock-dict');
    const common = await lockSignup({ email, connection: STRICT, password: 'correct-horse-9' });
    expect(common.body).toMatchObject({ name: 'PasswordDictionaryError', code: 'invalid_password' });
    expect(lockShows(common)).toBe('Password is too common.');
    const personal = await lockSignup({ email, connection: STRICT, password: `${email.split('@')[0]}-Aa1!` });
    expect(personal.body).toMatchObject({ name: 'PasswordNoUserInfoError', code: 'invalid_password' });
    expect(lockShows(personal)).toBe('Password is based on user information.');
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it("answers an email that is taken with Auth0's vague invalid_signup: Lock shows its fallback", async () => {
    const email = uniqueEmail('lock-taken');
    expect((await lockSignup({ email, metadata: { plan: 'a' } })).status).toBe(200);
    const again = await lockSignup({ email, metadata: { plan: 'b' } });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 });
    expect(lockShows(again)).toBe(FALLBACK);
    expect(await usersWithEmail(email)).toHaveLength(1);
  });

  it('answers a connection closed to signups with operation_not_allowed: Lock shows its fallback', async () => {
    const email = uniqueEmail('lock-closed');
    const res = await lockSignup({ email, connection: CLOSED, metadata: { plan: 'a' } });
    expect(res.body).toEqual({ name: 'BadRequestError', code: 'operation_not_allowed', description: 'public signup is disabled', statusCode: 400 });
    expect(lockShows(res)).toBe(FALLBACK);
  });

  it('refuses hostile bodies a page could send instead of Lock: prototype keys, non-strings, odd Unicode', async () => {
    const email = uniqueEmail('lock-hostile');
    const proto = await call('signup', {
      rawBody: `{"client_id":"${clientId}","connection":"${CONNECTION}","email":"${email}","password":"${PASSWORD}","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"user_metadata":{"plan":"a"}}`,
      headers: { 'content-type': 'application/json', origin: LOCK_ORIGIN },
    });
    expect(proto.status, proto.text).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(await readUser(proto.body._id))).not.toContain('polluted');

    const other = uniqueEmail('lock-hostile');
    await expectRefusedBy(
      await call('signup', { body: { ...lockBody({ email: other }), user_metadata: { newsletter: true } } }),
      'invalid user_metadata.newsletter type (only strings are allowed)',
      other,
    );
    const lone = await call('signup', {
      rawBody: `{"client_id":"${clientId}","connection":"${CONNECTION}","email":"${other}","password":"${PASSWORD}","user_metadata":{"plan":"\\udc00x"}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(lone.status).toBe(400);
    expect(lockShows(lone)).toBe(FALLBACK);
    expect(await usersWithEmail(other)).toEqual([]);
  });
});

describe('pre-user-registration actions on a Lock signup', () => {
  it("see Lock's fields (body and event.user) and their metadata changes land with them in one insert", async () => {
    await bindOnly(`
      api.user.setUserMetadata('newsletter_opt_in', event.user.user_metadata.newsletter === 'true');
      api.user.setAppMetadata('lock_body', { keys: Object.keys(event.request.body), state: event.request.body.state, company: event.request.body.company });
      api.user.setUserMetadata('referral', null);`);
    const email = uniqueEmail('lock-action');
    const res = await lockSignup({ email, state: 'st-1', root: { given_name: 'Ada', company: 'Initech' }, metadata: { newsletter: 'true', referral: 'x' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.user_metadata).toEqual({ newsletter: 'true', newsletter_opt_in: true });
    const user = await readUser(res.body._id);
    expect(user.user_metadata).toEqual({ newsletter: 'true', newsletter_opt_in: true });
    expect(user.app_metadata).toEqual({
      lock_body: { keys: ['client_id', 'state', 'connection', 'email', 'given_name', 'company', 'user_metadata'], state: 'st-1', company: 'Initech' },
    });
  });

  it("refuses by api.access.deny with Auth0's body (the user message as friendly_message): Lock shows its fallback, no user", async () => {
    await bindOnly(`if (event.user.user_metadata.referral !== 'ok') api.access.deny('bad referral', 'Ask your shop for a referral code.');`);
    const email = uniqueEmail('lock-denied');
    const res = await lockSignup({ email, metadata: { referral: 'nope' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      name: 'InternalExtensibilityError', code: 'extensibility_error', description: 'bad referral', statusCode: 400,
      message: 'bad referral', friendly_message: 'Ask your shop for a referral code.', fromSandbox: true,
    });
    expect(lockShows(res)).toBe(FALLBACK);
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('refuses by api.validation.error with its code and message: Lock shows its fallback, no user', async () => {
    await bindOnly(`api.validation.error('invalid_referral', 'Unknown referral code');`);
    const email = uniqueEmail('lock-invalid');
    const res = await lockSignup({ email, metadata: { referral: 'nope' } });
    expect(res.body).toEqual({ name: 'BadRequestError', code: 'invalid_referral', description: 'Unknown referral code', statusCode: 400 });
    expect(lockShows(res)).toBe(FALLBACK);
    expect(await usersWithEmail(email)).toEqual([]);
  });
});
