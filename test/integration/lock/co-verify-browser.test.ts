import { readFileSync } from 'node:fs';
import type { Browser as Chromium, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '#shared/platform/config';
import type { RouteId } from '#shared/http/routes';
import { call } from '#test/support/api';
import { launchChromium } from '#test/support/browser';
import { Browser, seedSpa } from '#test/support/browser-flow';
import { claimsOf, PASSWORD, seedLoginUser } from '#test/support/logins';
import { CONNECTION } from '#test/support/users';

/**
 * The cross-origin verification fallback with Auth0's own auth0.js (9.32) in Chromium: the page
 * logs in with `webAuth.login()` (POST /co/authenticate, then /authorize with the ticket), the
 * ticket's cookie is dropped (as a browser blocking third-party cookies drops it), our
 * verification page frames the application's cross_origin_loc page running
 * `crossOriginVerification()`, which answers the verifier auth0.js stored, and POST /co/verify
 * completes the login.
 *
 * Both origins are served by request interception: the issuer's routes are the route table's
 * handlers called in-process (against DynamoDB Local), the issuer's cookies kept in a jar here;
 * the application's pages are fixed HTML around node_modules/auth0-js/dist/auth0.min.js.
 *
 * What this does NOT test: real SameSite handling. The issuer's cookies never reach Chromium's
 * cookie store: they live in a hand-made jar (browser-flow's Browser), which sends every cookie
 * back whatever its SameSite, Path or Secure say, and the test itself drops /co/authenticate's
 * cookie. And the application is on the issuer's site (same-site), so even the verifier cookie
 * auth0.js keeps is read without third-party-cookie blocking. That the verification page's
 * SameSite=Strict `co_verify_` cookie comes back to /co/verify, or that a real browser drops the
 * ticket's SameSite=None cookie, is therefore assumed here, not shown.
 */
const ISSUER = new URL(config.ISSUER).origin;
// The application on the issuer's site (example.test), so the frame may read the cookie auth0.js
// stored the verifier in. With the application on another site, this Chromium (150, headless)
// hides that cookie from the frame too: what blocking third-party cookies does to this fallback
// in practice (docs/lock.md). The ticket's own cookie is dropped by the test.
const SPA_ORIGIN = 'https://app.example.test';
const SPA_CALLBACK = `${SPA_ORIGIN}/callback`;
const DOMAIN = new URL(config.ISSUER).host;
const LOC = `${SPA_ORIGIN}/verify.html`;
const AUTH0_JS = readFileSync(new URL('../../../node_modules/auth0-js/dist/auth0.min.js', import.meta.url), 'utf8');

let chromiumBrowser: Chromium;
let app: { client_id: string };
let user: Record<string, any>;

beforeAll(async () => {
  [chromiumBrowser, app, user] = await Promise.all([
    launchChromium(),
    seedSpa({ cross_origin_authentication: true, allowed_origins: [SPA_ORIGIN], web_origins: [SPA_ORIGIN], callbacks: [SPA_CALLBACK], cross_origin_loc: LOC }),
    seedLoginUser(),
  ]);
}, 60_000);

afterAll(async () => {
  await chromiumBrowser?.close();
});

const appPage = (script: string) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="${SPA_ORIGIN}/auth0.js"></script></head><body><script>${script}</script></body></html>`;

const ROUTES: Record<string, RouteId> = {
  'POST /co/authenticate': 'co-authenticate',
  'OPTIONS /co/authenticate': 'co-authenticate-preflight',
  'GET /authorize': 'authorize',
  'POST /co/verify': 'co-verify',
};

describe('cross_origin_loc and /co/verify with auth0.js in Chromium', () => {
  it('completes the login when the /co/authenticate cookie was blocked', async () => {
    const context = await chromiumBrowser.newContext();
    const jar = new Browser();
    let verified: (location: string) => void = () => {};
    const answered = new Promise<string>((resolve) => (verified = resolve));
    const seen: string[] = [];
    const errors: string[] = [];
    context.on('weberror', (e) => errors.push(e.error().message));
    const log: string[] = [];
    context.on('console', (m) => log.push(`console: ${m.text()}`));
    context.on('requestfailed', (r) => log.push(`failed ${r.method()} ${r.url()} ${r.failure()?.errorText}`));

    await context.route(`${ISSUER}/**`, (route: Route) =>
      issuer(route).catch((error: unknown) => {
        errors.push(`route ${route.request().url()}: ${String(error)}`);
        return route.abort();
      }),
    );
    async function issuer(route: Route) {
      const request = route.request();
      const url = new URL(request.url());
      const id = ROUTES[`${request.method()} ${url.pathname}`];
      seen.push(`${request.method()} ${url.pathname}`);
      if (!id) return route.fulfill({ status: 404, body: 'not here' });
      const headers = request.headers();
      const res = await call(id, {
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(['origin', 'content-type', 'access-control-request-headers', 'access-control-request-method'].filter((h) => headers[h]).map((h) => [h, headers[h]!])),
        ...(request.postData() !== null ? { rawBody: request.postData()! } : {}),
        cookies: jar.cookies(),
      });
      // Third-party cookies blocked: /co/authenticate's cookie never reaches the jar.
      if (id !== 'co-authenticate') jar.keep(res);
      if (id === 'co-verify') verified(res.headers.location ?? `status ${res.status}`);
      log.push(`${request.method()} ${url.pathname} -> ${res.status} ${res.headers.location ?? ''}`);
      return route.fulfill({ status: res.status, headers: res.headers, body: res.text });
    }
    await context.route(`${SPA_ORIGIN}/**`, (route: Route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/auth0.js') return route.fulfill({ contentType: 'application/javascript', body: AUTH0_JS });
      if (path === '/verify.html') {
        return route.fulfill({ contentType: 'text/html', body: appPage(`new auth0.WebAuth({ domain: ${JSON.stringify(DOMAIN)}, clientID: ${JSON.stringify(app.client_id)} }).crossOriginVerification();`) });
      }
      if (path === '/login.html') {
        const options = { domain: DOMAIN, clientID: app.client_id, redirectUri: SPA_CALLBACK, responseType: 'token id_token', scope: 'openid email' };
        return route.fulfill({
          contentType: 'text/html',
          body: appPage(
            `new auth0.WebAuth(${JSON.stringify(options)}).login({ realm: ${JSON.stringify(CONNECTION)}, username: ${JSON.stringify(user.email)}, password: ${JSON.stringify(PASSWORD)} }, function (err) { document.title = 'error ' + JSON.stringify(err); });`,
          ),
        });
      }
      return route.fulfill({ contentType: 'text/html', body: '<!DOCTYPE html><title>callback</title>' });
    });

    const page = await context.newPage();
    await page.goto(`${SPA_ORIGIN}/login.html`);
    const location = await Promise.race([answered, new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 20_000))]);
    if (!location.startsWith(`${SPA_CALLBACK}#`)) throw new Error(`${location}\n${[...errors, ...log].join('\n')}`);
    const answer = Object.fromEntries(new URLSearchParams(new URL(location).hash.slice(1)));
    expect(errors).toEqual([]);
    // (Chromium answers the preflight of an intercepted request itself.)
    expect(seen).toEqual(['POST /co/authenticate', 'GET /authorize', 'POST /co/verify']);
    expect(answer.error, JSON.stringify(answer)).toBeUndefined();
    expect(claimsOf(answer.id_token!).sub).toBe(user.user_id);
    expect(answer.access_token).toBeDefined();
    // auth0.js's verifier is used once: the frame removed it from the application's storage.
    expect((await context.cookies(SPA_ORIGIN)).filter((c) => c.name.includes('verifier'))).toEqual([]);
    await context.close();
  }, 60_000);
});
