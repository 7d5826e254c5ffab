/**
 * `npm run demo`: the service as `npm start` runs it, but on https (auth0-spa-js only speaks
 * https://<domain>), plus a demo single-page application on a second https origin that uses
 * Auth0's own auth0-spa-js, and beside it a page that embeds Auth0's Lock (bundled from npm at
 * start, unmodified). The tenant gets the demo's applications, a signup field and two Actions
 * (infra/local/demo-spa/seed.ts), idempotently on every start.
 *
 *   https://localhost:3443/           the identity service (ISSUER), DEMO_AUTH_PORT
 *   https://localhost:3444/           the demo SPA, DEMO_SPA_PORT
 *   https://localhost:3444/lock.html  the Lock page
 *
 * Both use one self-signed certificate made at start (openssl), or DEMO_CERT and DEMO_KEY (PEM
 * files, e.g. from mkcert) when given. The plain http port of the service (PORT) is internal;
 * a free one by default. Data under DEMO_DATA_DIR (.data/demo): not `npm start`'s, whose issuer is
 * http. The browser e2e test starts this very script.
 */
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '#infra/local/dynamodb-local';
import { startDemoSpa } from '#infra/local/demo-spa/server';
import { buildLockBundle } from '#infra/local/demo-spa/lock-bundle';
import { DEMO_LOCK_OPTIONS, lockPageFiles } from '#infra/local/demo-spa/lock-page';
import { LOCK_PAGE_PATH, seedDemoLock, seedDemoTenant } from '#infra/local/demo-spa/seed';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';
import { createSelfSignedCert, startTlsProxy } from '#infra/local/tls-proxy';

async function main(): Promise<void> {
  const authPort = Number(process.env.DEMO_AUTH_PORT ?? 3443);
  const spaPort = Number(process.env.DEMO_SPA_PORT ?? 3444);
  const httpPort = Number(process.env.PORT ?? (await freePort()));
  // Its own data: the bootstrap client's Management API grant names the issuer, which differs here.
  const dataDir = resolve(process.env.DEMO_DATA_DIR ?? '.data/demo');
  const issuer = `https://localhost:${authPort}/`;
  mkdirSync(dataDir, { recursive: true });
  const cert = process.env.DEMO_CERT && process.env.DEMO_KEY
    ? { certPath: resolve(process.env.DEMO_CERT), keyPath: resolve(process.env.DEMO_KEY) }
    : createSelfSignedCert(dataDir);

  // The service itself, in this process: `npm start` with an https issuer and the internal port.
  Object.assign(process.env, { PORT: String(httpPort), ISSUER: issuer, DATA_DIR: dataDir });
  const bundle = buildLockBundle(); // meanwhile
  await import('#infra/local/start');
  const internal = `http://127.0.0.1:${httpPort}`;
  await answering(`${internal}/.well-known/openid-configuration`);
  await startTlsProxy({ port: authPort, target: httpPort, cert });

  const credentials = JSON.parse(readFileSync(resolve(dataDir, 'bootstrap.json'), 'utf8')) as BootstrapCredentials;
  const spaOrigin = `https://localhost:${spaPort}`;
  const seed = await seedDemoTenant({ base: internal, management: credentials.management, spaOrigin });
  const lockClientId = await seedDemoLock({ base: internal, management: credentials.management, spaOrigin, connection: credentials.connection });
  const domain = `localhost:${authPort}`;
  const lock = lockPageFiles({ domain, clientId: lockClientId, options: DEMO_LOCK_OPTIONS }, await bundle, LOCK_PAGE_PATH);
  await startDemoSpa({ port: spaPort, cert, config: { domain, clientId: seed.clientId }, extra: lock });
  // For scripts and the browser test: where everything is.
  const lockPage = `${spaOrigin}${LOCK_PAGE_PATH}`;
  writeFileSync(resolve(dataDir, 'demo.json'), `${JSON.stringify({ issuer, spa: `${spaOrigin}/`, internal, certPath: cert.certPath, ...seed, lockPage, lockClientId }, null, 2)}\n`);

  console.log(`
Demo ready.
  Open the demo app:    ${spaOrigin}/
  Identity service:     ${issuer}   (application "Demo SPA", client_id ${seed.clientId})
  Lock page:            ${lockPage}   (application "Demo Lock", client_id ${lockClientId})
${process.env.DEMO_CERT ? '' : `  The certificate is self-signed (${cert.certPath}): your browser warns once for each of the two
  origins. Accept it for ${issuer} too (open it once), or the silent sign-in iframe cannot load.
  To avoid the warnings: DEMO_CERT=cert.pem DEMO_KEY=key.pem from a locally trusted CA (e.g. mkcert).
`}  Sign up: the Company field comes from a signup partial; an Action keeps it in user_metadata.
  On the Lock page, Lock's own signup form has Company and Newsletter fields (additionalSignUpFields).
  Ctrl-C stops.`);
}

/** Resolves once `url` answers (any status): the service's import does not wait for its listen. */
async function answering(url: string): Promise<void> {
  for (const deadline = Date.now() + 90_000; ; await new Promise((r) => setTimeout(r, 100))) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the service did not answer at ${url} within 90 s`, { cause: error });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
