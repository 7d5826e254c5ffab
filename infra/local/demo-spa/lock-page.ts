import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoCss, type StaticFile } from '#infra/local/demo-spa/static-https';

/**
 * The page of an application that embeds Auth0 Lock: lock.html and lock-app.js (which build Lock
 * from lock-config.json and record its events), the Lock bundle (lock-bundle.ts) as /lock.js.
 * `npm run demo` serves it beside the SPA; the browser test serves it on an origin of its own.
 */
export interface LockPageConfig {
  /** What Lock takes as `domain`: `localhost:<port>` of the identity service. */
  domain: string;
  clientId: string;
  /** Lock's options, as JSON (so no `validator` functions). */
  options: Record<string, unknown>;
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * The page's CSP: Lock runs the client settings script from the identity service, calls it
 * (fetch/XHR), frames it for the SSO probe, and injects its own <style> element.
 */
export function lockPageCsp(issuer: string): string {
  return [
    "default-src 'self'", `script-src 'self' ${issuer}`, `connect-src 'self' ${issuer}`, `frame-src ${issuer}`,
    "style-src 'self' 'unsafe-inline'", "img-src 'self' https: data:", "base-uri 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

/** The files, keyed by path; `page` is where lock.html is served (its path is Lock's default redirect URL). */
export function lockPageFiles(config: LockPageConfig, bundle: Buffer, page = '/lock.html'): Record<string, StaticFile> {
  const headers = { 'content-security-policy': lockPageCsp(`https://${config.domain}`) };
  const js = 'text/javascript; charset=utf-8';
  return {
    [page]: { type: 'text/html; charset=utf-8', body: readFileSync(here('./lock.html')), headers },
    '/lock-app.js': { type: js, body: readFileSync(here('./lock-app.js')) },
    '/demo.css': demoCss,
    '/lock.js': { type: js, body: bundle },
    '/lock-config.json': { type: 'application/json', body: Buffer.from(JSON.stringify(config)) },
  };
}

/** Lock's header logo for a local page: an "L" on a rounded square of `color`, inline (no network). */
export const letterLogo = (color: string) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="58" height="58"><rect width="58" height="58" rx="14" fill="${color}"/><text x="29" y="39" font-family="sans-serif" font-size="28" font-weight="700" fill="#fff" text-anchor="middle">L</text></svg>`)}`;

/**
 * The demo's Lock: two extra signup fields (a company, kept by the demo's pre-user-registration
 * Action; a newsletter checkbox, sent as "true" or "false"), both into user_metadata.
 */
export const DEMO_LOCK_OPTIONS = {
  auth: { redirect: true, params: { scope: 'openid profile email' } },
  avatar: null, // Lock's avatar is fetched from gravatar.com: not for a local demo
  languageDictionary: { title: 'Demo app' },
  theme: {
    primaryColor: '#eb5424',
    logo: letterLogo('#eb5424'),
  },
  additionalSignUpFields: [
    { name: 'company', placeholder: 'your company' },
    { type: 'checkbox', name: 'newsletter', placeholder: 'Send me the newsletter', prefill: 'false' },
  ],
};
