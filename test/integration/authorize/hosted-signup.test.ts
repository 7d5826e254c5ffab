import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { Browser, pkce, redirectParams, seedSpa, SPA_CALLBACK } from '#test/support/browser-flow';
import { uniqueEmail } from '#test/support/users';
import { bindOnly, bindRegistration, usersWithEmail } from '#test/integration/registration/support';

/**
 * Signing up on the hosted screen, Auth0's way of collecting extra fields: a signup partial adds a
 * `ulp-` input, a pre-user-registration Action keeps it in user_metadata or refuses it with a
 * message the screen shows. Through the route table, the real sandbox and DynamoDB Local.
 */
const PASSWORD = 'Str0ng-Passw0rd!';
let app: { client_id: string };

beforeAll(async () => {
  app = await seedSpa();
  const partial = await call('prompts-partials-put', {
    scopes: ['update:prompts'],
    params: { prompt: 'signup' },
    body: { signup: { 'form-content-end': '<label for="ulp-company">Company</label><input id="ulp-company" name="ulp-company">' } },
  });
  expect(partial.status).toBe(200);
  await bindOnly(`
    const company = event.request.body['ulp-company'];
    if (company === 'Evil Corp') { api.validation.error('invalid_company', 'Evil Corp may not sign up.'); return; }
    if (company) api.user.setUserMetadata('company', company);`);
});

afterAll(() => bindRegistration([]));

async function signupPage(browser: Browser) {
  const start = await browser.authorize({
    client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', scope: 'openid profile email',
    state: 'st', screen_hint: 'signup', code_challenge: pkce().challenge, code_challenge_method: 'S256',
  });
  expect(start.headers.location).toMatch(/\/u\/signup\?state=/);
  const page = await browser.screen(start.headers.location!);
  expect(page.status).toBe(200);
  return page;
}

describe('the hosted signup screen', () => {
  it('shows the partial inside the form and the password rules', async () => {
    const page = await signupPage(new Browser());
    const form = page.text.slice(page.text.indexOf('<form'), page.text.indexOf('</form>'));
    expect(form).toContain('name="ulp-company"');
    expect(form).toContain('name="email"');
    expect(form).toContain('autocomplete="new-password"');
    expect(page.text).toContain('At least 8 characters in length');
  });

  it('signs the user up, keeps the ulp- field in user_metadata through the Action, logs them in and answers with a code', async () => {
    const browser = new Browser();
    const page = await signupPage(browser);
    const email = uniqueEmail('hosted');
    const done = await browser.submit('signup', page.text, { email, password: PASSWORD, 'ulp-company': 'Acme' });
    expect(done.status).toBe(302);
    expect(Object.keys(redirectParams(done)).sort()).toEqual(['code', 'state']);
    expect(done.cookies.some((c) => c.startsWith('auth0='))).toBe(true);
    const [user] = (await usersWithEmail(email)) as Record<string, any>[];
    expect(user!.user_metadata).toEqual({ company: 'Acme' });
  });

  it("shows the Action's validation message inline, keeps what was typed, and stores no user", async () => {
    const browser = new Browser();
    const page = await signupPage(browser);
    const email = uniqueEmail('refused');
    const res = await browser.submit('signup', page.text, { email, password: PASSWORD, 'ulp-company': 'Evil Corp' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Evil Corp may not sign up.');
    expect(res.text).toContain(`value="${email}"`);
    expect(res.text).toMatch(/name="ulp-company"[^>]*value="Evil Corp"|value="Evil Corp"[^>]*name="ulp-company"/);
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('shows a weak password and an existing account inline', async () => {
    const browser = new Browser();
    const page = await signupPage(browser);
    const weak = await browser.submit('signup', page.text, { email: uniqueEmail('weak'), password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('Your password is too weak');

    const email = uniqueEmail('twice');
    const first = await browser.submit('signup', (await signupPage(browser)).text, { email, password: PASSWORD });
    expect(first.status).toBe(302);
    const again = new Browser();
    const second = await again.submit('signup', (await signupPage(again)).text, { email, password: PASSWORD });
    expect(second.status).toBe(400);
    expect(second.text).toContain('an account may already exist with this email');
  });
});
