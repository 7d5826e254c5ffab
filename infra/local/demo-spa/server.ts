import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { fileURLToPath } from 'node:url';

/**
 * The demo single-page application's own origin: a static https server for index.html, app.js,
 * Auth0's browser build of auth0-spa-js (straight from node_modules, unmodified) and a
 * config.json naming the identity service and the application. It is another origin than the
 * identity service (another port of localhost: same site), as a real SPA is.
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

export async function startDemoSpa(p: { port: number; cert: { certPath: string; keyPath: string }; config: DemoSpaConfig }): Promise<DemoSpa> {
  const issuer = `https://${p.config.domain}`;
  const files: Record<string, { type: string; body: Buffer }> = {
    '/': { type: 'text/html; charset=utf-8', body: readFileSync(here('./index.html')) },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(here('./app.js')) },
    '/auth0-spa-js.production.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(sdk) },
    '/config.json': { type: 'application/json', body: Buffer.from(JSON.stringify(p.config)) },
  };
  const headers = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The SDK talks to the identity service (fetch), frames it for silent auth, and runs its
    // refresh-token worker from a blob: URL.
    'content-security-policy': [
      "default-src 'self'", `connect-src 'self' ${issuer}`, `frame-src ${issuer}`, 'worker-src blob:',
      "style-src 'self' 'unsafe-inline'", "img-src 'self' https: data:", "base-uri 'none'", "frame-ancestors 'none'",
    ].join('; '),
  };
  const server: Server = createServer({ cert: readFileSync(p.cert.certPath), key: readFileSync(p.cert.keyPath) }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://spa.invalid').pathname;
    const file = files[path === '/index.html' ? '/' : path];
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    res.writeHead(200, { ...headers, 'content-type': file.type, 'content-length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(p.port, ready);
  });
  return {
    origin: `https://localhost:${p.port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
