import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '#shared/tenant/clients';
import { registerDatabaseUser } from '#shared/authentication/dbconnections/signup';
import { ActionDeniedSignupError, ActionValidationError } from '#shared/authentication/errors';
import { call } from '#test/support/api';
import { CONNECTION, uniqueEmail } from '#test/support/users';
import { bindOnly, bindRegistration, deployAction, usersWithEmail } from '#test/integration/registration/support';

/**
 * Issue 11: pre-user-registration actions bound through the Actions API run on every database
 * signup, through POST /dbconnections/signup (the route table, DynamoDB Local, the worker pool and
 * the real sandbox) and through registerDatabaseUser as the hosted signup page calls it. Their
 * metadata lands in the user's single insert; a refusal or a failure writes nothing.
 */
const PASSWORD = 'Passw0rd!long';
let clientId: string;

beforeAll(async () => {
  const { client } = await createClient({ name: 'Signup SPA', app_type: 'spa', grant_types: ['password'] });
  clientId = client.client_id;
});

afterEach(() => bindRegistration([]));

const signup = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('signup', { body: { client_id: clientId, connection: CONNECTION, password: PASSWORD, ...body }, headers });
const readUser = async (id: string) => (await call('users-get', { params: { id: `auth0|${id}` }, scopes: ['read:users'] })).body;

describe('POST /dbconnections/signup with pre-user-registration actions', () => {
  it("shows the action Auth0's event: the body without the password, the submitted user_metadata, client, connection, request", async () => {
    await bindOnly(`
      api.user.setAppMetadata('seen', {
        body: event.request.body, user: event.user, client: event.client, connection: event.connection.name,
        strategy: event.connection.strategy, ip: event.request.ip, ua: event.request.user_agent, language: event.request.language,
        method: event.request.method, hostname: event.request.hostname, tenant: event.tenant.id, secret: event.secrets.API_KEY,
        transaction: event.transaction === undefined ? 'none' : 'some',
      });`, [{ name: 'API_KEY', value: 'k-123' }]);
    const email = uniqueEmail('event');
    const res = await signup({ email, given_name: 'Ada', user_metadata: { plan: 'silver' } }, { 'user-agent': 'vitest-agent', 'accept-language': 'fr-CH, fr;q=0.9' });
    expect(res.status, res.text).toBe(200);
    const user = await readUser(res.body._id);
    expect(user.app_metadata.seen).toEqual({
      body: { client_id: clientId, connection: CONNECTION, email, given_name: 'Ada', user_metadata: { plan: 'silver' } },
      user: { email, given_name: 'Ada', user_metadata: { plan: 'silver' }, app_metadata: {} },
      client: { client_id: clientId, name: 'Signup SPA', metadata: {} },
      connection: CONNECTION,
      strategy: 'auth0',
      ip: '203.0.113.7',
      ua: 'vitest-agent',
      language: 'fr-CH',
      method: 'POST',
      hostname: 'tenant.example.test',
      tenant: 'tenant',
      secret: 'k-123',
      transaction: 'none',
    });
    expect(JSON.stringify(user.app_metadata.seen)).not.toContain(PASSWORD);
  });

  it('writes setUserMetadata and setAppMetadata into the new user (one insert), and null deletes a submitted key', async () => {
    await bindOnly(`
      api.user.setUserMetadata('plan', null);
      api.user.setUserMetadata('theme', event.request.body.user_metadata.theme.toUpperCase());
      api.user.setAppMetadata('roles', ['member']);`);
    const email = uniqueEmail('meta');
    const res = await signup({ email, user_metadata: { plan: 'silver', theme: 'dark' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ _id: res.body._id, email_verified: false, email, user_metadata: { theme: 'DARK' } });
    const user = await readUser(res.body._id);
    expect(user.user_metadata).toEqual({ theme: 'DARK' });
    expect(user.app_metadata).toEqual({ roles: ['member'] });
  });

  it('runs the bound actions in binding order, each seeing what the ones before set', async () => {
    const first = await deployAction("api.user.setUserMetadata('order', ['first']);");
    const second = await deployAction("api.user.setUserMetadata('order', [...event.user.user_metadata.order, 'second']);");
    await bindRegistration([first, second]);
    const res = await signup({ email: uniqueEmail('order') });
    expect((await readUser(res.body._id)).user_metadata).toEqual({ order: ['first', 'second'] });
  });

  it('answers api.validation.error as a 400 with the code and message, and stores no user', async () => {
    await bindOnly("if (!event.request.body.user_metadata) api.validation.error('missing_plan', 'Choose a plan to sign up.');");
    const email = uniqueEmail('invalid');
    const res = await signup({ email });
    expect(res.status).toBe(400);
    expect(res.text).toBe('{"name":"BadRequestError","code":"missing_plan","description":"Choose a plan to sign up.","statusCode":400}');
    expect(await usersWithEmail(email)).toEqual([]);
    expect((await signup({ email, user_metadata: { plan: 'gold' } })).status).toBe(200);
  });

  it("answers api.access.deny with Auth0's extensibility_error body, and stores no user", async () => {
    await bindOnly("api.access.deny('no_example_domain', 'Sign-ups from this domain need an invitation.');");
    const email = uniqueEmail('deny');
    const res = await signup({ email });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      name: 'InternalExtensibilityError',
      message: 'no_example_domain',
      code: 'extensibility_error',
      description: 'no_example_domain',
      friendly_message: 'Sign-ups from this domain need an invitation.',
      fromSandbox: true,
      statusCode: 400,
    });
    expect(await usersWithEmail(email)).toEqual([]);
  });

  const FAILED = {
    name: 'InternalExtensibilityError',
    code: 'extensibility_error',
    description: 'A pre-user-registration action failed; the tenant log has the details.',
    fromSandbox: true,
    statusCode: 400,
  };

  it('fails the signup cleanly when an action throws (its message, which may hold secrets, is not shown), storing nothing', async () => {
    await bindOnly("throw new Error('db password is ' + event.secrets.DB);", [{ name: 'DB', value: 'hunter2' }]);
    const email = uniqueEmail('throws');
    const res = await signup({ email });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(FAILED);
    expect(res.text).not.toContain('hunter2');
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('fails the signup cleanly when an action loops past the budget or never settles', async () => {
    await bindOnly('while (true) {}');
    const spin = uniqueEmail('spin');
    expect((await signup({ email: spin })).body).toEqual(FAILED);
    await bindOnly('await new Promise(() => {});');
    const stuck = uniqueEmail('stuck');
    expect((await signup({ email: stuck })).body).toEqual(FAILED);
    expect([...(await usersWithEmail(spin)), ...(await usersWithEmail(stuck))]).toEqual([]);
  });

  it('answers a clean 400 for metadata the user item cannot hold (a value over METADATA_MAX_VALUE_BYTES), storing nothing', async () => {
    await bindOnly("api.user.setUserMetadata('blob', 'x'.repeat(100000));");
    const email = uniqueEmail('huge');
    const res = await signup({ email });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      ...FAILED,
      description: 'A pre-user-registration action set metadata that cannot be stored: user_metadata.blob is 100002 bytes; the limit is 2048 bytes per top-level value (METADATA_MAX_VALUE_BYTES).',
    });
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it("refuses setUserMetadata('__proto__', …) and reserved app_metadata names with a 400; no prototype changes", async () => {
    await bindOnly("api.user.setUserMetadata('__proto__', { isAdmin: true });");
    const email = uniqueEmail('proto');
    const res = await signup({ email });
    expect(res.status).toBe(400);
    expect(res.body.description).toBe('A pre-user-registration action set metadata that cannot be stored: Invalid key "__proto__" in user_metadata.');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    await bindOnly("api.user.setAppMetadata('blocked', false);");
    const reserved = await signup({ email });
    expect(reserved.body.description).toBe('A pre-user-registration action set metadata that cannot be stored: app_metadata.blocked is a reserved name and cannot be set.');
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('hands hostile body names and values to the action as plain data (no prototype, no markup interpreted)', async () => {
    await bindOnly("api.user.setAppMetadata('keys', Object.keys(event.request.body)); api.user.setAppMetadata('values', Object.values(event.request.body).filter((v) => typeof v === 'string'));");
    const email = uniqueEmail('hostile');
    const rawBody = JSON.stringify({ client_id: clientId, connection: CONNECTION, email, password: PASSWORD, '<script>': '<img src=x onerror=alert(1)>', 'ulp-\u202e': '\u0000\ud83d\ude00' })
      .replace('"<script>"', '"__proto__":{"isAdmin":true},"<script>"');
    const res = await call('signup', { rawBody, headers: { 'content-type': 'application/json' } });
    expect(res.status, res.text).toBe(200);
    const user = await readUser(res.body._id);
    expect(user.app_metadata.keys).toEqual(['client_id', 'connection', 'email', '__proto__', '<script>', 'ulp-\u202e']);
    expect(user.app_metadata.values).toEqual([clientId, CONNECTION, email, '<img src=x onerror=alert(1)>', '\u0000\ud83d\ude00']);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('does not run the actions for a signup the checks refuse (bad password, unknown client)', async () => {
    await bindOnly("api.access.deny('ran', 'ran');");
    const weak = await signup({ email: uniqueEmail(), password: '' });
    expect(weak.body.name).toBe('PasswordStrengthError');
    const unknown = await call('signup', { body: { client_id: 'nope', connection: CONNECTION, email: uniqueEmail(), password: PASSWORD } });
    expect(unknown.body.code).toBe('Unknown client');
  });

  it('answers a taken email with the usual invalid_signup after the actions allowed it', async () => {
    await bindOnly("api.user.setAppMetadata('n', 1);");
    const email = uniqueEmail('taken');
    expect((await signup({ email })).status).toBe(200);
    const again = await signup({ email });
    expect(again.body).toEqual({ name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 });
  });
});

describe('registerDatabaseUser (the hosted signup page)', () => {
  const params = (email: string) => ({ client_id: clientId, connection: CONNECTION, email, password: PASSWORD });
  const request = (body: Record<string, string>) => ({ ip: '198.51.100.4', userAgent: 'Chromium', language: 'en', body });

  it("gives the page's ulp- fields to the action as event.request.body, and the transaction, and stores what it sets", async () => {
    await bindOnly(`
      if (!event.request.body['ulp-first-name']) return api.validation.error('invalid_first_name', 'Tell us your first name.');
      api.user.setUserMetadata('first_name', event.request.body['ulp-first-name']);
      api.user.setAppMetadata('locale', event.transaction.locale);`);
    const email = uniqueEmail('hosted');
    const user = await registerDatabaseUser(params(email), {
      ...request({ email, 'ulp-first-name': 'Grace' }),
      transaction: { locale: 'en', protocol: 'oidc-basic-profile', requested_scopes: ['openid', 'profile'] },
    });
    expect(user.user_metadata).toEqual({ first_name: 'Grace' });
    expect(user.app_metadata).toEqual({ locale: 'en' });
    expect((await readUser(user.user_id.replace('auth0|', ''))).user_metadata).toEqual({ first_name: 'Grace' });
  });

  it('throws ActionValidationError with the code and the userMessage the page shows; nothing stored', async () => {
    await bindOnly("api.validation.error('invalid_first_name', 'Tell us your first name.');");
    const email = uniqueEmail('hosted-invalid');
    const error = await registerDatabaseUser(params(email), request({ email })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionValidationError);
    expect(error).toMatchObject({ code: 'invalid_first_name', userMessage: 'Tell us your first name.', statusCode: 400 });
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('throws ActionDeniedSignupError with the userMessage, or the generic words when the action gave none', async () => {
    await bindOnly("api.access.deny('closed', 'Sign-ups are closed.');");
    const email = uniqueEmail('hosted-deny');
    await expect(registerDatabaseUser(params(email), request({ email }))).rejects.toMatchObject({ userMessage: 'Sign-ups are closed.' });
    await bindOnly("api.access.deny('closed');");
    const bare = await registerDatabaseUser(params(email), request({ email })).catch((e: unknown) => e);
    expect(bare).toBeInstanceOf(ActionDeniedSignupError);
    expect(bare).toMatchObject({ userMessage: "We're sorry, something went wrong when attempting to sign up." });
  });
});
