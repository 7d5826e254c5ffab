import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { loadScreenPartials } from '#shared/tenant/prompts';

/** GET/PUT /api/v2/prompts/{prompt}/partials: Auth0's prompts, screens, insertion points and replace semantics. */
const READ = ['read:prompts'];
const UPDATE = ['update:prompts'];
const get = (prompt: string) => call('prompts-partials-get', { scopes: READ, params: { prompt } });
const put = (prompt: string, body: unknown) => call('prompts-partials-put', { scopes: UPDATE, params: { prompt }, body });

const badBody = (detail: string) => ({ statusCode: 400, error: 'Bad Request', message: `Payload validation error: ${detail}`, errorCode: 'invalid_body' });

describe('/api/v2/prompts/{prompt}/partials', () => {
  it('answers {} before anything is set', async () => {
    const res = await get('login-id');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it('stores and answers the partials (200, what was stored), and the login page reads them', async () => {
    const partials = {
      signup: {
        'form-content-start': '<div><label for="ulp-company">Company</label><input id="ulp-company" name="ulp-company"></div>',
        'form-footer-end': '<p>Terms apply</p>',
      },
    };
    const res = await put('signup', partials);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(partials);
    expect((await get('signup')).body).toEqual(partials);
    expect(await loadScreenPartials('signup')).toEqual(partials.signup);
    expect(await loadScreenPartials('login')).toEqual({});
  });

  it('replaces all of the prompt\'s partials on each PUT', async () => {
    await put('login', { login: { 'form-content-start': '<b>one</b>', 'secondary-actions-end': '<i>two</i>' } });
    const res = await put('login', { login: { 'form-footer-start': '<u>three</u>' } });
    expect(res.body).toEqual({ login: { 'form-footer-start': '<u>three</u>' } });
    expect((await get('login')).body).toEqual({ login: { 'form-footer-start': '<u>three</u>' } });
    expect(await loadScreenPartials('login')).toEqual({ 'form-footer-start': '<u>three</u>' });
  });

  it('clears with {} and with an empty screen', async () => {
    await put('signup-id', { 'signup-id': { 'form-content-end': '<p>x</p>' } });
    expect((await put('signup-id', {})).body).toEqual({});
    expect((await get('signup-id')).body).toEqual({});

    await put('signup', { signup: { 'form-content-end': '<p>x</p>' } });
    expect((await put('signup', { signup: {} })).body).toEqual({});
    expect((await get('signup')).body).toEqual({});
    expect(await loadScreenPartials('signup')).toEqual({});
  });

  it('takes both screens of login-passwordless and of passkeys, and form-content on customized-consent only', async () => {
    const body = {
      'login-passwordless-email-code': { 'form-content-start': '<p>email</p>' },
      'login-passwordless-sms-otp': { 'form-content-start': '<p>sms</p>' },
    };
    expect((await put('login-passwordless', body)).body).toEqual(body);
    const keys = { 'passkey-enrollment': { 'form-footer-end': '<p>a</p>' }, 'passkey-enrollment-local': { 'form-footer-end': '<p>b</p>' } };
    expect((await put('passkeys', keys)).body).toEqual(keys);
    const consent = { 'customized-consent': { 'form-content': '<p>We share your name</p>', 'form-footer-end': '<p>c</p>' } };
    expect((await put('customized-consent', consent)).body).toEqual(consent);
    expect((await put('login', { login: { 'form-content': '<p>x</p>' } })).body).toEqual(badBody("'Additional properties not allowed: form-content'."));
  });

  it("refuses an unknown prompt with Auth0's path validation error (GET and PUT)", async () => {
    const expected = {
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_uri',
      message: 'Path validation error: \'Invalid value "nope"\' on property prompt (Name of the prompt).',
    };
    expect((await get('nope')).body).toEqual(expected);
    const res = await put('nope', {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expected);
    expect((await get('__proto__')).status).toBe(400);
  });

  it('refuses a screen of another prompt, an unknown insertion point, and non-string partials', async () => {
    expect((await put('login', { signup: { 'form-content-start': 'x' } })).body).toEqual(badBody("'Additional properties not allowed: signup'."));
    expect((await put('login', { login: { 'form-middle': 'x' } })).body).toEqual(badBody("'Additional properties not allowed: form-middle'."));
    expect((await put('login', { login: { 'form-content-start': 42 } })).body).toEqual(
      badBody("'Expected type string but found type integer' on property login.form-content-start."),
    );
    expect((await put('login', { login: 'x' })).status).toBe(400);
    expect((await put('login', [])).body).toEqual(badBody("'Expected type object but found type array'."));
  });

  it('refuses a partial over 10,000 characters and takes one of exactly 10,000', async () => {
    const max = 'a'.repeat(10_000);
    expect((await put('login', { login: { 'form-content-start': max } })).status).toBe(200);
    const res = await put('login', { login: { 'form-content-start': `${max}b` } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(badBody("'String is too long (10001 chars), maximum 10000' on property login.form-content-start."));
    expect((await get('login')).body).toEqual({ login: { 'form-content-start': max } });
  });

  it('keeps the largest prompt (two screens, six full partials each, 3-byte characters) within one item', async () => {
    const full = '€'.repeat(10_000);
    const screen = Object.fromEntries(['form-content-start', 'form-content-end', 'form-footer-start', 'form-footer-end', 'secondary-actions-start', 'secondary-actions-end'].map((p) => [p, full]));
    const res = await put('passkeys', { 'passkey-enrollment': screen, 'passkey-enrollment-local': screen });
    expect(res.status).toBe(200);
    expect((await get('passkeys')).body['passkey-enrollment-local']['secondary-actions-end']).toBe(full);
  });

  it('accepts <script> and odd unicode (admin HTML, as Auth0 does) and refuses __proto__ keys', async () => {
    const html = '<script>alert(1)</script>\u202e\u0000 ☃ 𝄞';
    expect((await put('login-id', { 'login-id': { 'form-content-start': html } })).body).toEqual({ 'login-id': { 'form-content-start': html } });
    const proto = await call('prompts-partials-put', { scopes: UPDATE, params: { prompt: 'login' }, rawBody: '{"__proto__":{"form-content-start":"x"}}' });
    expect(proto.status).toBe(400);
    expect(proto.body.errorCode).toBe('invalid_body');
    const nested = await call('prompts-partials-put', { scopes: UPDATE, params: { prompt: 'login' }, rawBody: '{"login":{"__proto__":"x"}}' });
    expect(nested.status).toBe(400);
    expect(nested.body.message).toContain('__proto__');
  });

  it('refuses malformed JSON (400) and a 1 MB body (413)', async () => {
    const bad = await call('prompts-partials-put', { scopes: UPDATE, params: { prompt: 'login' }, rawBody: '{"login":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    const huge = await call('prompts-partials-put', {
      scopes: UPDATE, params: { prompt: 'login' }, rawBody: JSON.stringify({ login: { 'form-content-start': 'a'.repeat(1024 * 1024) } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.statusCode).toBe(413);
  });

  it("answers 403 with Auth0's message for a wrong scope, and 401 without a token", async () => {
    const read = await call('prompts-partials-get', { scopes: UPDATE, params: { prompt: 'login' } });
    expect(read.status).toBe(403);
    expect(read.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: read:prompts', errorCode: 'insufficient_scope' });
    const write = await call('prompts-partials-put', { scopes: READ, params: { prompt: 'login' }, body: {} });
    expect(write.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: update:prompts', errorCode: 'insufficient_scope' });
    const anonymous = await call('prompts-partials-get', { params: { prompt: 'login' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication', errorCode: 'missing_authentication' });
  });

  it('reads with one GetItem and writes with one UpdateItem', async () => {
    await get('login'); // the token's signing keys, read again after the last write's tenantChanged()
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    await get('login');
    await put('login', { login: { 'form-content-end': '<p>y</p>' } });
    stop();
    expect(seen.map((r) => r.db.commands)).toEqual([['GetItem'], ['UpdateItem']]);
  });
});
