import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from '#test/support/browser';
import { startHttpsService, type HttpsService } from '#test/support/https-service';
import { buildLockBundle, freePort, LOCK_PAGE, lockScreenshot, startLockPage, type LockPage } from '#test/support/lock-page';
import { CLAIM, management, seedLockApplication, type Management } from '#test/support/lock-tenant';
import { letterLogo } from '#infra/local/demo-spa/lock-page';

/**
 * Issue 12 in a real browser: Auth0's Lock 14.3.0 from npm, unmodified (bundled by esbuild when
 * the file starts), embedded in an application's page on its own https origin, against the
 * service as `npm start` runs it behind the TLS proxy. Debian's Chromium drives it. Each step
 * leaves a screenshot under test-artifacts/browser/lock-*.png.
 */
const PASSWORD = 'Lock-Test-Passw0rd';
const FALLBACK_SIGNUP = "We're sorry, something went wrong when attempting to sign up.";

/** Lock's options on the page, as an application writes them (JSON: no validator functions). */
const LOCK_OPTIONS = {
  auth: { redirect: true, params: { scope: 'openid profile email' } },
  avatar: null,
  closable: false,
  languageDictionary: { title: 'Lock test app' },
  theme: {
    primaryColor: '#3b5bdb',
    logo: letterLogo('#3b5bdb'),
  },
  additionalSignUpFields: [
    { name: 'favourite_colour', placeholder: 'your favourite colour' },
    { type: 'checkbox', name: 'newsletter', placeholder: 'Send me the newsletter', prefill: 'false' },
    { type: 'hidden', name: 'signup_source', value: 'lock-e2e' },
    { name: 'given_name', storage: 'root', placeholder: 'your first name' },
  ],
};

let service: HttpsService;
let browser: Browser;
let api: Management;
let app: LockPage; // allowed: the application's own origin
let foreign: LockPage; // the same page on an origin the application does not list
let unknown: LockPage; // a page naming a client id the tenant does not have
let clientId: string;

beforeAll(async () => {
  const [started, launched, bundle, appPort] = await Promise.all([startHttpsService('lock-e2e-'), launchChromium(), buildLockBundle(), freePort()]);
  [service, browser] = [started, launched];
  api = await management(service);
  ({ clientId } = await seedLockApplication(api, `https://localhost:${appPort}${LOCK_PAGE}`, service.credentials.connection));
  const config = { domain: service.domain, clientId, options: LOCK_OPTIONS };
  [app, foreign, unknown] = await Promise.all([
    startLockPage({ port: appPort, cert: service.cert, config, bundle }),
    startLockPage({ cert: service.cert, config, bundle }),
    startLockPage({ cert: service.cert, config: { ...config, clientId: 'NoSuchClient0000000000000000000x' }, bundle }),
  ]);
}, 120_000);

afterAll(async () => {
  // What Lock sent and got, for whoever reads the screenshots (or a failure).
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'lock-wire.txt'), `${wire.join('\n')}\n`);
  await browser?.close();
  await Promise.all([app?.close(), foreign?.close(), unknown?.close(), api?.dispose()]);
  const stopped = await service?.stop();
  expect(stopped?.exit, `service output:\n${service?.output()}`).not.toBe('timeout');
}, 60_000);

/** Uncaught exceptions and CSP violations, by page. */
const problems: { url: string; problem: string }[] = [];
/** Every request to the identity service, with its answer, for the findings when a step fails. */
const wire: string[] = [];

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  context.on('console', (m) => /Content.Security.Policy/i.test(m.text()) && problems.push({ url: m.page()?.url() ?? '', problem: m.text() }));
  context.on('weberror', (e) => problems.push({ url: e.page()?.url() ?? '', problem: `uncaught: ${e.error().stack}` }));
  context.on('requestfinished', (r) => void record(r));
  context.on('requestfailed', (r) => wire.push(`${r.method()} ${r.url()} FAILED ${r.failure()?.errorText}`));
  return context;
}

async function record(r: Request): Promise<void> {
  if (!r.url().startsWith(`https://${service.domain}/`)) return;
  const res = await r.response();
  const body = res && !r.url().includes('/client/') ? await res.text().catch(() => '(gone)') : '';
  const cors = res?.headers()['access-control-allow-origin'];
  wire.push(redact(`${r.method()} ${r.url()} ${r.postData() ?? ''} -> ${res?.status()}${cors ? ` [ACAO ${cors}]` : ''} ${body.replace(/\s+/g, ' ').slice(0, 300)}`));
}

/** The wire log keeps no password, ticket or token, even a test's. */
const redact = (line: string) =>
  line
    .replace(/("(?:password|login_ticket|co_verifier|access_token|id_token)"\s*:\s*")[^"]*/g, '$1…')
    .replace(/((?:login_ticket|access_token|id_token|co_verifier)=)[^&\s"]*/g, '$1…');

/** The wire log so far, for failure messages. */
const wireLog = () => wire.slice(-12).join('\n');

const onService = (path: string) => (r: Request | Response) => {
  const url = new URL(r.url());
  return url.host === service.domain && url.pathname === path;
};

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-ready]', { timeout: 15_000 });
}

/** Opens the page and Lock on one of its screens. */
async function openLock(page: Page, screen: 'login' | 'signup', origin: LockPage = app): Promise<void> {
  await page.goto(origin.url);
  await ready(page);
  await page.click(`#${screen}`);
  await page.waitForSelector('.auth0-lock.auth0-lock-opened', { timeout: 10_000 });
  await page.waitForSelector('.auth0-lock input[name="email"]', { timeout: 10_000 });
}

async function fillSignup(page: Page, fields: { email: string; colour: string; givenName: string; newsletter: boolean }): Promise<void> {
  await page.fill('.auth0-lock input[name="email"]', fields.email);
  await page.fill('.auth0-lock input[name="password"]', PASSWORD);
  await page.fill('.auth0-lock input[name="favourite_colour"]', fields.colour);
  await page.fill('.auth0-lock input[name="given_name"]', fields.givenName);
  if (fields.newsletter) await page.check('.auth0-lock input[name="newsletter"]');
}

async function lockError(page: Page): Promise<string> {
  const error = page.locator('.auth0-global-message-error');
  await error.waitFor({ timeout: 10_000 });
  return (await error.textContent()) ?? '';
}

/** Lock's events so far, as the page recorded them (infra/local/demo-spa/lock-app.js). */
const lockEvents = (page: Page) => page.evaluate(() => (globalThis as any).lockEvents as { name: string; detail: unknown }[]);

/** The profile the page shows after Lock's `authenticated` and `getUserInfo`. */
async function signedInProfile(page: Page): Promise<Record<string, unknown>> {
  await page.waitForURL((url) => url.href === app.url, { timeout: 15_000 });
  await ready(page);
  await page.waitForSelector('#profile-json', { timeout: 10_000 }).catch(async () => {
    throw new Error(`no profile; result: ${await page.textContent('#result')}; events: ${JSON.stringify(await lockEvents(page))}\n${wireLog()}`);
  });
  expect(await page.textContent('#status')).toBe('Signed in');
  const events = await lockEvents(page);
  expect(events.map((e) => e.name)).toContain('authenticated');
  return JSON.parse((await page.textContent('#profile-json')) ?? '{}') as Record<string, unknown>;
}

/** A JSON POST of `{}` to the service from the page's script, as Lock's requests go: 'answered <status>' or 'failed: <error>'. */
function post(page: Page, path: string, credentials: 'include' | 'omit'): Promise<string> {
  return page.evaluate(
    ([url, credentials]) =>
      (globalThis as any)
        .fetch(url, { method: 'POST', credentials, headers: { 'content-type': 'application/json' }, body: '{}' })
        .then((r: { status: number }) => `answered ${r.status}`, (e: Error) => `failed: ${e.name}`) as Promise<string>,
    [`https://${service.domain}${path}`, credentials] as const,
  );
}

async function usersByEmail(email: string): Promise<any[]> {
  const res = await api.call('GET', `/users-by-email?email=${encodeURIComponent(email)}`);
  expect(res.status).toBe(200);
  return res.body as any[];
}

describe('Lock embedded in an application, in Chromium', () => {
  const EMAIL = 'grace.hopper@example.com';
  let context: BrowserContext;
  let page: Page;
  let userId: string;

  beforeAll(async () => {
    context = await newContext();
    page = await context.newPage();
  });

  it("loads the application's settings from /client/<id>.js and shows the extra signup fields", async () => {
    const settings = page.waitForResponse(onService(`/client/${clientId}.js`));
    await openLock(page, 'signup');
    const script = await settings;
    expect(script.status(), wireLog()).toBe(200);
    expect(new URL(script.url()).search).toMatch(/^\?t\d+$/); // Lock's cache buster
    await lockScreenshot(page, 'lock-01-signup');
    for (const name of ['email', 'password', 'favourite_colour', 'given_name']) {
      expect(await page.isVisible(`.auth0-lock input[name="${name}"]`), name).toBe(true);
    }
    expect(await page.getAttribute('.auth0-lock input[name="newsletter"]', 'type')).toBe('checkbox');
    expect(await page.getAttribute('.auth0-lock input[name="signup_source"]', 'type')).toBe('hidden'); // sent, not shown
    expect(await page.textContent('.auth0-lock')).toContain('Send me the newsletter');
    // Both tabs: the connection allows signups.
    expect(await page.locator('.auth0-lock-tabs').textContent()).toMatch(/Log In.*Sign Up/);
    // The connection's `good` policy reached Lock, which checks a password as it is typed.
    await page.fill('.auth0-lock input[name="password"]', 'short');
    await expect.poll(() => page.locator('.auth0-lock-password-strength').textContent()).toContain('At least 8 characters in length');
    await lockScreenshot(page, 'lock-01b-password-policy');
  });

  it('signs a user up: the fields land in user_metadata (the root field at the root), and Lock logs the user in', async () => {
    await fillSignup(page, { email: EMAIL, colour: 'teal', givenName: 'Grace', newsletter: true });
    await lockScreenshot(page, 'lock-02-signup-filled');
    const signup = page.waitForRequest(onService('/dbconnections/signup'));
    const coAuth = page.waitForResponse((r) => onService('/co/authenticate')(r) && r.request().method() === 'POST', { timeout: 15_000 });
    await page.click('.auth0-lock-submit');
    const sent = await signup;
    expect(JSON.parse(sent.postData() ?? '{}')).toEqual({
      client_id: clientId,
      connection: service.credentials.connection,
      email: EMAIL,
      password: PASSWORD,
      given_name: 'Grace',
      user_metadata: { favourite_colour: 'teal', newsletter: 'true', signup_source: 'lock-e2e' },
    });
    const signedUp = await sent.response();
    expect(signedUp?.status(), wireLog()).toBe(200);
    expect((await coAuth).status(), wireLog()).toBe(200);
    const profile = await signedInProfile(page);
    expect(profile).toMatchObject({ email: EMAIL, sub: expect.stringMatching(/^auth0\|/), [CLAIM]: 'teal' });
    userId = profile.sub as string;
    await lockScreenshot(page, 'lock-03-signed-up-and-in');

    const [user] = await usersByEmail(EMAIL);
    expect(user).toMatchObject({
      user_id: userId,
      email: EMAIL,
      given_name: 'Grace',
      user_metadata: { favourite_colour: 'teal', newsletter: 'true', signup_source: 'lock-e2e' },
    });
  });

  it('a returning user with a session: Lock offers "last time you logged in with" and signs in without the password', async () => {
    const probe = page.waitForRequest((r) => onService('/authorize')(r) && new URL(r.url()).searchParams.get('prompt') === 'none');
    await page.goto(app.url);
    await ready(page);
    await page.click('#login');
    const query = Object.fromEntries(new URL((await probe).url()).searchParams);
    expect(query).toMatchObject({ client_id: clientId, prompt: 'none', response_mode: 'web_message' });
    await page.waitForSelector('.auth0-lock-last-login-pane', { timeout: 10_000 });
    expect(await page.textContent('.auth0-lock-last-login-pane')).toContain(EMAIL);
    await lockScreenshot(page, 'lock-04-last-login');
    await page.click('.auth0-lock-last-login-pane .auth0-lock-social-button');
    const profile = await signedInProfile(page);
    expect(profile).toMatchObject({ sub: userId, [CLAIM]: 'teal' });
  });

  it('a returning user in a new browser logs in with email and password (cross-origin authentication)', async () => {
    const fresh = await (await newContext()).newPage();
    await openLock(fresh, 'login');
    await fresh.fill('.auth0-lock input[name="email"]', EMAIL);
    await fresh.fill('.auth0-lock input[name="password"]', PASSWORD);
    await lockScreenshot(fresh, 'lock-05-login');
    const coAuth = fresh.waitForResponse((r) => onService('/co/authenticate')(r) && r.request().method() === 'POST');
    const redeem = fresh.waitForRequest((r) => onService('/authorize')(r) && new URL(r.url()).searchParams.has('login_ticket'), { timeout: 15_000 });
    await fresh.click('.auth0-lock-submit');
    const answer = await coAuth;
    expect(JSON.parse(answer.request().postData() ?? '{}')).toEqual({
      client_id: clientId,
      username: EMAIL,
      password: PASSWORD,
      realm: service.credentials.connection,
      credential_type: 'http://auth0.com/oauth/grant-type/password-realm',
    });
    expect(answer.status(), wireLog()).toBe(200);
    // (Its body is gone once the page has left for /authorize: the ticket shows there.)
    expect(answer.headers()).toMatchObject({ 'access-control-allow-origin': app.origin, 'access-control-allow-credentials': 'true' });
    const authorize = Object.fromEntries(new URL((await redeem).url()).searchParams);
    expect(authorize).toMatchObject({ client_id: clientId, realm: service.credentials.connection, redirect_uri: app.url, login_ticket: expect.any(String) });
    const profile = await signedInProfile(fresh);
    expect(profile).toMatchObject({ sub: userId, email: EMAIL, [CLAIM]: 'teal' });
    await lockScreenshot(fresh, 'lock-06-logged-in');
    await fresh.context().close();
  });
});

describe('refusals Lock shows, in Chromium', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await newContext();
    page = await context.newPage();
  });

  it("a wrong password: Lock shows its own 'Wrong email or password.'", async () => {
    await openLock(page, 'login');
    await page.fill('.auth0-lock input[name="email"]', 'grace.hopper@example.com');
    await page.fill('.auth0-lock input[name="password"]', 'not-the-password');
    const coAuth = page.waitForResponse((r) => onService('/co/authenticate')(r) && r.request().method() === 'POST');
    await page.click('.auth0-lock-submit');
    const answer = await coAuth;
    expect({ status: answer.status(), body: await answer.json() }).toEqual({
      status: 403,
      body: { error: 'access_denied', error_description: 'Wrong email or password.' },
    });
    expect(await lockError(page)).toBe('Wrong email or password.');
    expect(await page.inputValue('.auth0-lock input[name="email"]')).toBe('grace.hopper@example.com');
    await lockScreenshot(page, 'lock-07-wrong-password');
  });

  it('an over-long field is refused: Lock shows an error, and no user is made', async () => {
    const email = 'too.long@example.com';
    await openLock(page, 'signup');
    await fillSignup(page, { email, colour: 'x'.repeat(501), givenName: 'Long', newsletter: false });
    const signup = page.waitForResponse(onService('/dbconnections/signup'));
    await page.click('.auth0-lock-submit');
    const answer = await signup;
    expect(answer.status(), wireLog()).toBe(400);
    const body = (await answer.json()) as Record<string, unknown>;
    expect(JSON.parse(answer.request().postData() ?? '{}').user_metadata).toEqual({ favourite_colour: 'x'.repeat(501), newsletter: 'false', signup_source: 'lock-e2e' });
    const shown = await lockError(page);
    // Lock shows the description of a hook_error, its generic sentence for any other code.
    expect(shown).toBe(body.code === 'hook_error' ? body.description : FALLBACK_SIGNUP);
    await lockScreenshot(page, 'lock-08-signup-too-long');
    expect(await usersByEmail(email)).toEqual([]);
  });

  it("an email already signed up: invalid_signup (Auth0's answer since 2019), and Lock shows its signup fallback", async () => {
    await openLock(page, 'signup');
    await fillSignup(page, { email: 'grace.hopper@example.com', colour: 'red', givenName: 'Again', newsletter: false });
    const signup = page.waitForResponse(onService('/dbconnections/signup'));
    await page.click('.auth0-lock-submit');
    const answer = await signup;
    expect({ status: answer.status(), body: await answer.json() }, wireLog()).toEqual({
      status: 400,
      body: { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 },
    });
    expect(await lockError(page)).toBe(FALLBACK_SIGNUP);
    await lockScreenshot(page, 'lock-09-email-taken');
  });

  it("an unknown client id: the settings script is refused and Lock shows its own error screen", async () => {
    const other = await context.newPage();
    const isSettings = (r: Request | Response) => new URL(r.url()).pathname.startsWith('/client/');
    const settings = new Promise<string>((done) => {
      other.on('response', (r) => isSettings(r) && done(`answered ${r.status()}`));
      other.on('requestfailed', (r) => isSettings(r) && done(`failed: ${r.failure()?.errorText}`));
    });
    await other.goto(unknown.url);
    await ready(other);
    await other.click('#login');
    // A 404 of a script: Chromium's opaque-response blocking drops it; either way the script's `error` fires.
    expect(['answered 404', 'failed: net::ERR_BLOCKED_BY_ORB']).toContain(await settings);
    await other.waitForSelector('.auth0-lock-error-pane', { timeout: 10_000 });
    expect(await other.textContent('.auth0-lock-error-pane')).toContain('Something went wrong.');
    expect((await lockEvents(other)).map((e) => e.name)).toContain('unrecoverable_error');
    await lockScreenshot(other, 'lock-10-unknown-client');
    await other.close();
  });

  it('a foreign origin gets no CORS answer: its fetches fail', async () => {
    const other = await context.newPage();
    await other.goto(foreign.url);
    await ready(other);
    const seen: Response[] = [];
    other.on('response', (r) => (onService('/co/authenticate')(r) || onService('/dbconnections/signup')(r)) && seen.push(r));
    const outcome = { coAuthenticate: await post(other, '/co/authenticate', 'include'), signup: await post(other, '/dbconnections/signup', 'omit') };
    expect(outcome).toEqual({ coAuthenticate: 'failed: TypeError', signup: 'failed: TypeError' });
    for (const r of seen) expect(r.headers()['access-control-allow-origin']).toBeUndefined();
    // The same requests from the application's own origin are answered (here: 400 for an empty body).
    const own = await context.newPage();
    await own.goto(app.url);
    await ready(own);
    expect(await post(own, '/dbconnections/signup', 'omit')).toBe('answered 400');
  });
});

describe('every page of those runs', () => {
  it("kept its Content-Security-Policy and threw nothing but Lock's own autofocus slip", () => {
    const mine = problems.filter(
      (p) =>
        // The foreign origin's SSO probe lands on our error page (its redirect_uri is not registered), which refuses framing.
        p.url.startsWith(app.origin) &&
        // Lock 14.3.0's Chrome.findAutofocusInput calls querySelector on the auxiliary pane's component
        // ref (ui/box/chrome.js) when that pane appears: Lock's own slip, harmless, not the page's or ours.
        !/^uncaught: TypeError: \w+\.querySelector is not a function/.test(p.problem),
    );
    expect(mine).toEqual([]);
  });
});
