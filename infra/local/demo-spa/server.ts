import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoCss, startStaticHttps, type StaticFile } from '#infra/local/demo-spa/static-https';

/**
 * The demo single-page application's own origin: a static https server for index.html, app.js,
 * Auth0's browser build of auth0-spa-js (straight from node_modules, unmodified) and a
 * config.json naming the identity service and the application. It is another origin than the
 * identity service (another port of localhost: same site), as a real SPA is. The Lock page
 * (lock-page.ts) is served beside it.
 */
export interface DemoSpaConfig {
  /** What auth0-spa-js takes as `domain`: `localhost:<port>` of the identity service. */
  domain: string;
  clientId: string;
  audience?: string;
}

export interface DemoSpa {
  /** `https://localhost:<port>`, the SPA's origin (its callback is this plus '/'). */
  origin: string;
  close(): Promise<void>;
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const sdk = fileURLToPath(import.meta.resolve('@auth0/auth0-spa-js/dist/auth0-spa-js.production.js'));

export async function startDemoSpa(p: {
  port: number;
  cert: { certPath: string; keyPath: string };
  config: DemoSpaConfig;
  /** More files on the same origin, with their own headers (the Lock page: lock-page.ts). */
  extra?: Record<string, StaticFile>;
}): Promise<DemoSpa> {
  const issuer = `https://${p.config.domain}`;
  const headers = {
    // The SDK talks to the identity service (fetch), frames it for silent auth, and runs its
    // refresh-token worker from a blob: URL.
    'content-security-policy': [
      "default-src 'self'", `connect-src 'self' ${issuer}`, `frame-src ${issuer}`, 'worker-src blob:',
      "style-src 'self' 'unsafe-inline'", "img-src 'self' https: data:", "base-uri 'none'", "frame-ancestors 'none'",
    ].join('; '),
  };
  const html = { type: 'text/html; charset=utf-8', body: readFileSync(here('./index.html')), headers };
  const js = 'text/javascript; charset=utf-8';
  return startStaticHttps({
    port: p.port,
    cert: p.cert,
    files: {
      '/': html,
      '/index.html': html,
      '/app.js': { type: js, body: readFileSync(here('./app.js')), headers },
      '/demo.css': demoCss,
      '/auth0-spa-js.production.js': { type: js, body: readFileSync(sdk), headers },
      '/config.json': { type: 'application/json', body: Buffer.from(JSON.stringify(p.config)), headers },
      ...p.extra,
    },
  });
}
