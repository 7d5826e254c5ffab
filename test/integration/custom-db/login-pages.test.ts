import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

// Scripts run in the sandbox here: on a loaded machine the integration setup's 1 s budget can run
// out and fail a login. A real budget, then the service imported again.
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { call } = await import('#test/support/api');
const { Browser, pkce, SPA_CALLBACK, SPA_ORIGIN, seedSpa } = await import('#test/support/browser-flow');
const { REALM_GRANT } = await import('#test/support/logins');
const { customDbConnection, profileScript } = await import('#test/integration/custom-db/login-fixtures');

/**
 * Every password login goes through the same authentication: the hosted login page and Lock's
 * /co/authenticate show a failed login script as a clear refusal with its reference (never a 500
 * page), and a script's profile logs in there too.
 */
let app: { client_id: string };
let broken: CustomDbConnection;
let working: CustomDbConnection;
const PASSWORD = 'right-password';

beforeAll(async () => {
  app = await seedSpa({ cross_origin_authentication: true, allowed_origins: [SPA_ORIGIN] });
  broken = await customDbConnection(app, undefined, {
    import_mode: true,
    customScripts: { login: "function login(email, password, callback) { throw new Error('the legacy store is on fire'); }" },
  });
  working = await customDbConnection(app, undefined, {
    import_mode: false,
    customScripts: { login: profileScript({ 'page@pages.example.com': { user_id: 'page-user', email: 'page@pages.example.com', metadata: { plan: 'full' } } }) },
  });
});

async function submitLogin(connection: CustomDbConnection, email: string) {
  const browser = new Browser();
  const start = await browser.authorize({
    client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', response_mode: 'query', scope: 'openid',
    state: 'xyz', code_challenge: pkce().challenge, code_challenge_method: 'S256', connection: connection.name,
  });
  expect(start.status, start.text).toBe(302);
  const page = await browser.screen(start.headers.location!);
  expect(page.status, page.text).toBe(200);
  return browser.submit('login', page.text, { email, password: PASSWORD });
}

const coAuthenticate = (connection: CustomDbConnection, username: string) =>
  call('co-authenticate', {
    headers: { origin: SPA_ORIGIN },
    body: { client_id: app.client_id, username, password: PASSWORD, realm: connection.name, credential_type: REALM_GRANT },
  });

describe('the hosted login page', () => {
  it('shows a failed login script on the form with its reference (503), not an error page', async () => {
    const res = await submitLogin(broken, 'anyone@pages.example.com');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/We could not sign you in right now\. Try again later \(reference [A-Za-z0-9]{12}\)\./);
    expect(res.text).not.toContain('on fire');
    expect(res.text).toContain('name="password"');
  });

  it("logs in with the script's profile", async () => {
    const res = await submitLogin(working, 'page@pages.example.com');
    expect(res.status, res.text).toBe(302);
    expect(new URL(res.headers.location!).searchParams.get('code')).toMatch(/.+/);
  });
});

describe("Lock's /co/authenticate", () => {
  it('answers a failed login script with 403 invalid_grant and its reference, with CORS so Lock can read it', async () => {
    const res = await coAuthenticate(broken, 'anyone@pages.example.com');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/^The login could not be completed: the connection's login script failed \(reference [A-Za-z0-9]{12}\)\.$/),
    });
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
  });

  it("issues a ticket for the script's profile, and answers a wrong password as Lock expects", async () => {
    expect((await coAuthenticate(working, 'page@pages.example.com')).status).toBe(200);
    const wrong = await call('co-authenticate', {
      headers: { origin: SPA_ORIGIN },
      body: { client_id: app.client_id, username: 'page@pages.example.com', password: 'wrong', realm: working.name, credential_type: REALM_GRANT },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ error: 'access_denied', error_description: 'Wrong email or password.' });
  });
});
