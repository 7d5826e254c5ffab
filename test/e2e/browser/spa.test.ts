import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoTenant } from '#infra/local/demo-spa/seed';
import { launchChromium, screenshot } from '#test/support/browser';
import { management, managementToken, startDemo, type RunningDemo } from '#test/e2e/browser/demo-process';

/**
 * Issue 11's "Done when", in a real browser: `npm run demo` started as a newcomer starts it (the
 * service on https behind the TLS proxy, the demo SPA on a second https origin, the tenant seeded
 * by the demo itself), and Debian's Chromium driving Auth0's own auth0-spa-js in that SPA. Each
 * step leaves a screenshot under test-artifacts/browser/.
 */
const EMAIL = 'ada.lovelace@example.com';
const PASSWORD = 'Analytical-Engine-1843';
const CLAIM = 'https://demo/user_metadata';

let demo: RunningDemo;
let browser: Browser;
let token: string;
let spa: string; // https://localhost:<port>/
let issuer: string; // https://localhost:<port>/

beforeAll(async () => {
  [demo, browser] = await Promise.all([startDemo(), launchChromium()]);
  ({ spa, issuer } = demo.info);
  token = await managementToken(demo);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  const stopped = await demo?.stop();
  expect(stopped?.exit, `demo output:\n${demo?.output()}`).not.toBe('timeout');
  expect(stopped?.leftovers).toEqual([]);
}, 60_000);

/** Content-Security-Policy violations and uncaught exceptions, on any page of any context (the SPA's and ours). */
const problems: string[] = [];
function watch(context: BrowserContext): BrowserContext {
  context.on('console', (m) => /Content.Security.Policy/i.test(m.text()) && problems.push(`${m.location().url}: ${m.text()}`));
  context.on('weberror', (e) => problems.push(`uncaught: ${e.error().message}`));
  return context;
}

const isSpa = (url: URL) => `${url.origin}/` === spa;
const onIssuer = (path: string) => (url: URL) => `${url.origin}/` === issuer && url.pathname === path;

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-ready]');
  expect(await page.getAttribute('body', 'data-ready'), await page.textContent('#result') ?? '').toBe('true');
}

/** The answer of the next /oauth/token request with this grant type (the SDK may send it from its worker). */
function tokenResponse(context: BrowserContext, grant: string): Promise<Response> {
  return context.waitForEvent('response', {
    predicate: (r) => r.url() === `${issuer}oauth/token` && r.request().method() === 'POST' && (r.request().postData() ?? '').includes(`grant_type=${grant}`),
    timeout: 15_000,
  });
}

/** Every main-frame document the page requests from now on, redirects included. */
function visits(page: Page): URL[] {
  const urls: URL[] = [];
  page.on('request', (r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && urls.push(new URL(r.url())));
  return urls;
}

async function submit(page: Page): Promise<Response | null> {
  const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
  return response;
}

describe('the demo SPA with auth0-spa-js, in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let firstRefreshToken: string;
  let userId: string;

  beforeAll(async () => {
    context = watch(await browser.newContext({ viewport: { width: 1100, height: 860 } }));
    page = await context.newPage();
  });

  it('signs a new user up with a Company field that an Action keeps in user_metadata, and shows the profile', async () => {
    await page.goto(`${spa}?useRefreshTokens=true&cacheLocation=memory`);
    await ready(page);
    expect(await page.textContent('#status')).toBe('Signed out');
    await screenshot(page, '01-spa-signed-out');

    await page.click('#signup');
    await page.waitForURL(onIssuer('/u/signup'));
    expect(await page.isVisible('#ulp-company')).toBe(true);
    await screenshot(page, '02-signup');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.fill('#ulp-company', 'Analytical Engines Ltd');
    await screenshot(page, '03-signup-filled');

    const exchanged = tokenResponse(context, 'authorization_code');
    await submit(page);
    await page.waitForURL(isSpa);
    const exchange = await exchanged;
    expect(exchange.status()).toBe(200);
    const tokens = (await exchange.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ id_token: expect.any(String), access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer' });
    firstRefreshToken = tokens.refresh_token as string;
    await ready(page);
    expect(await page.textContent('#status')).toBe('Signed in');
    expect(new URL(page.url()).search).toBe(''); // the app cleaned the callback's query
    const user = JSON.parse((await page.textContent('#user-json')) ?? '') as Record<string, unknown>;
    expect(user).toMatchObject({ email: EMAIL, sub: expect.stringMatching(/^auth0\|/), [CLAIM]: { company: 'Analytical Engines Ltd' } });
    await screenshot(page, '04-signed-in');

    const stored = await management(demo, token, 'GET', `/users-by-email?email=${encodeURIComponent(EMAIL)}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toHaveLength(1);
    expect(stored.body[0]).toMatchObject({ user_id: user.sub, email: EMAIL, user_metadata: { company: 'Analytical Engines Ltd' } });
    userId = user.sub as string;
  });

  it('getTokenSilently with refresh tokens: the refresh grant answers an id_token and a rotated refresh token', async () => {
    const refreshed = tokenResponse(context, 'refresh_token');
    await page.click('#token');
    const response = await refreshed;
    expect(response.status()).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id_token: expect.any(String), access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number) });
    expect(body.refresh_token).not.toBe(firstRefreshToken);
    expect(response.request().postData()).toContain(`refresh_token=${encodeURIComponent(firstRefreshToken)}`);
    await page.waitForSelector('#result.ok');
    expect(await page.textContent('#result')).toMatch(/^New token via refresh token, expires in \d+ s$/);

    // The SDK keeps the rotated token: a second refresh presents it and succeeds.
    const again = tokenResponse(context, 'refresh_token');
    await page.click('#token');
    const second = await again;
    expect(second.status()).toBe(200);
    expect(second.request().postData()).toContain(`refresh_token=${encodeURIComponent(body.refresh_token as string)}`);
    await page.waitForSelector('#result.ok');
    await screenshot(page, '05-token-refresh');
  });

  it('getTokenSilently without refresh tokens: the hidden iframe (prompt=none, web_message) answers from the SSO session', async () => {
    const authorizes: URL[] = [];
    const onRequest = (r: { url(): string }) => {
      const url = new URL(r.url());
      if (onIssuer('/authorize')(url)) authorizes.push(url);
    };
    context.on('request', onRequest);
    await page.goto(`${spa}?useRefreshTokens=false`);
    await ready(page);
    // A fresh page: the SDK's memory cache is empty, its is.authenticated cookie makes it ask the iframe.
    expect(await page.textContent('#status')).toBe('Signed in');
    const exchanged = tokenResponse(context, 'authorization_code');
    await page.click('#token');
    expect((await exchanged).status()).toBe(200);
    await page.waitForSelector('#result.ok');
    expect(await page.textContent('#result')).toMatch(/^New token via hidden iframe \(prompt=none\), expires in \d+ s$/);
    context.off('request', onRequest);
    expect(authorizes.length).toBeGreaterThanOrEqual(2);
    for (const url of authorizes) {
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ prompt: 'none', response_mode: 'web_message', response_type: 'code', redirect_uri: spa });
    }
    await screenshot(page, '06-token-iframe');
  });

  it('SSO: a second login skips the form', async () => {
    // The app forgets its own state (its cookie); the identity service's session remains.
    await context.clearCookies({ name: /\.is\.authenticated$/ });
    await page.goto(spa);
    await ready(page);
    expect(await page.textContent('#status')).toBe('Signed out');
    const urls = visits(page);
    await page.click('#login');
    await page.waitForURL((url) => isSpa(url) && url.search === '');
    await ready(page);
    expect(await page.textContent('#status')).toBe('Signed in');
    expect(urls.filter((url) => url.pathname.startsWith('/u/'))).toEqual([]);
    expect(urls.some(onIssuer('/authorize'))).toBe(true);
    await screenshot(page, '07-sso-second-login');
  });

  it('SSO: another application of the tenant signs the same user in without the form', async () => {
    const second = await management(demo, token, 'POST', '/clients', {
      name: 'Second SPA', app_type: 'spa', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'],
      callbacks: [spa], web_origins: [spa.slice(0, -1)], allowed_logout_urls: [spa],
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const tab = await context.newPage(); // its own sessionStorage: the SPA's options for this tab only
    const urls = visits(tab);
    await tab.goto(`${spa}?clientId=${second.body.client_id}`);
    await ready(tab);
    expect(await tab.textContent('#status')).toBe('Signed out');
    await tab.click('#login');
    await tab.waitForURL((url) => isSpa(url) && url.search === '');
    await ready(tab);
    expect(await tab.textContent('#status')).toBe('Signed in');
    expect(urls.filter((url) => url.pathname.startsWith('/u/'))).toEqual([]);
    const user = JSON.parse((await tab.textContent('#user-json')) ?? '') as Record<string, unknown>;
    expect(user).toMatchObject({ sub: userId, email: EMAIL });
    await screenshot(tab, '08-sso-second-application');
    await tab.close();
  });

  it('logout with returnTo lands back on the SPA, and silent auth then answers login_required', async () => {
    await page.click('#logout');
    await page.waitForURL((url) => isSpa(url));
    await ready(page);
    expect(await page.textContent('#status')).toBe('Signed out');
    await screenshot(page, '09-logged-out');

    await page.click('#token');
    await page.waitForSelector('#result.error');
    expect(await page.textContent('#result')).toMatch(/^login_required: /);
    await screenshot(page, '10-silent-auth-login-required');
  });

  it('a wrong password is shown inline on the login page, the email kept', async () => {
    await page.click('#login');
    await page.waitForURL(onIssuer('/u/login'));
    await screenshot(page, '11-login');
    await page.fill('#email', EMAIL);
    await page.fill('#password', 'not-the-password');
    const response = await submit(page);
    expect(response?.status()).toBe(400);
    expect(onIssuer('/u/login')(new URL(page.url()))).toBe(true);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password.');
    expect(await page.inputValue('#email')).toBe(EMAIL);
    expect(await page.inputValue('#password')).toBe('');
    await screenshot(page, '12-login-wrong-password');

    // The right password from the same page signs in.
    await page.fill('#password', PASSWORD);
    await submit(page);
    await page.waitForURL(isSpa);
    await ready(page);
    expect(await page.textContent('#status')).toBe('Signed in');
  });
});

describe('refusals, in Chromium', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // A phone-sized browser: the page must fit it.
    context = watch(await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
    page = await context.newPage();
  });

  it("an Action's api.validation.error is shown inline on the signup page, and no user is made", async () => {
    await page.goto(spa);
    await ready(page);
    await page.click('#signup');
    await page.waitForURL(onIssuer('/u/signup'));
    await screenshot(page, '13-signup-phone');
    await page.fill('#email', 'no.company@example.com');
    await page.fill('#password', PASSWORD);
    const response = await submit(page);
    expect(response?.status()).toBe(400);
    expect(onIssuer('/u/signup')(new URL(page.url()))).toBe(true);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Please tell us your company.');
    expect(await page.inputValue('#email')).toBe('no.company@example.com');
    await screenshot(page, '14-signup-action-refusal');
    const stored = await management(demo, token, 'GET', `/users-by-email?email=${encodeURIComponent('no.company@example.com')}`);
    expect(stored).toEqual({ status: 200, body: [] });
  });

  it('an unregistered redirect_uri gets our error page, never a redirect', async () => {
    const query = new URLSearchParams({
      client_id: demo.info.clientId, response_type: 'code', redirect_uri: 'https://evil.example/callback', state: 'xyz', scope: 'openid',
    });
    const response = await page.goto(`${issuer}authorize?${query}`);
    expect(response?.status()).toBe(400);
    expect(response?.request().redirectedFrom()).toBeNull();
    expect(onIssuer('/authorize')(new URL(page.url()))).toBe(true);
    expect(await page.textContent('body')).toContain('Callback URL mismatch');
    await screenshot(page, '15-error-callback-mismatch');
  });
});

describe('every page of those runs', () => {
  it('kept its Content-Security-Policy and threw nothing', () => {
    expect(problems).toEqual([]);
  });
});

describe('npm run demo', () => {
  it('prints the URL to open and says the certificate is self-signed', () => {
    expect(demo.output()).toContain(`Open the demo app:    ${spa}\n`);
    expect(demo.output()).toContain(`Identity service:     ${issuer}   (application "Demo SPA", client_id ${demo.info.clientId})`);
    expect(demo.output()).toContain('The certificate is self-signed');
  });

  it('seeds idempotently: a second run keeps one application, one action per trigger and one binding each', async () => {
    const again = await seedDemoTenant({ base: demo.info.internal, management: demo.credentials.management, spaOrigin: spa.slice(0, -1) });
    expect(again).toEqual({ clientId: demo.info.clientId, actions: demo.info.actions });
    const clients = await management(demo, token, 'GET', '/clients?fields=name,client_id');
    expect(clients.body.filter((c: { name: string }) => c.name === 'Demo SPA')).toEqual([{ name: 'Demo SPA', client_id: demo.info.clientId }]);
    for (const [trigger, id] of Object.entries(demo.info.actions)) {
      const bound = await management(demo, token, 'GET', `/actions/triggers/${trigger}/bindings`);
      expect(bound.body.bindings.map((b: { action: { id: string } }) => b.action.id)).toEqual([id]);
    }
    const partials = await management(demo, token, 'GET', '/prompts/signup/partials');
    expect(partials.body).toEqual({ signup: { 'form-content-end': expect.stringContaining('name=ulp-company') } });
  });
});
