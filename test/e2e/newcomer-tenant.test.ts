import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsService, type HttpsService } from '#test/support/https-service';

/**
 * Issue 10's "Done when", tried as a new user would from the README ("Your own API and an M2M
 * application"), with plain HTTPS requests that mirror its curl commands: with the bootstrap
 * Management credentials, create an API and a machine-to-machine application, grant it one
 * scope, get a client_credentials token, verify it with jose through the JWKS that discovery
 * names, rotate the signing key, get a new token, and revoke the old key. The service is
 * `npm start` as a newcomer starts it, behind a TLS proxy with ISSUER set to its https URL.
 */
const API = 'https://inventory.example.com/api';
type Json = any; // a Management API answer

let service: HttpsService;
let base: string;
let ca: Buffer;

beforeAll(async () => {
  service = await startHttpsService('newcomer-tenant-e2e-');
  base = `https://${service.domain}`;
  ca = readFileSync(service.cert.certPath);
}, 90_000);

afterAll(async () => {
  const shutdown = await service?.stop(3_000);
  expect(shutdown, `service output:\n${service?.output()}`).toEqual({ exit: { code: 0, signal: null }, leftovers: [] });
}, 60_000);

/** fetch over HTTPS trusting the test's self-signed certificate (as curl --cacert would). */
function httpsFetch(url: string | URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = res.statusCode ?? 0;
        resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** `curl -d grant_type=client_credentials -d client_id=… -d client_secret=… -d audience=…` */
async function clientCredentials(clientId: string, clientSecret: string, audience: string) {
  const res = await httpsFetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** `curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' …/api/v2<path>` */
async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await httpsFetch(`${base}/api/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

describe('a newcomer registers an API and an M2M application, and rotates the signing key', () => {
  it('walks the README: API, application, one scope, a token verified through JWKS, rotation, revocation', async () => {
    // B=.data/bootstrap.json (here the service's DATA_DIR)
    const bootstrap = JSON.parse(readFileSync(join(service.dir, 'bootstrap.json'), 'utf8')) as {
      management: { client_id: string; client_secret: string; audience: string };
    };
    expect(bootstrap.management.audience).toBe(`${base}/api/v2/`);
    const management = await clientCredentials(bootstrap.management.client_id, bootstrap.management.client_secret, bootstrap.management.audience);
    expect(management.status).toBe(200);
    const TOKEN = management.body.access_token as string;

    // 1. Your API, with two scopes.
    const createdApi = await api(TOKEN, 'POST', '/resource-servers', {
      name: 'Inventory API',
      identifier: API,
      scopes: [
        { value: 'read:stock', description: 'Read stock levels' },
        { value: 'write:stock', description: 'Change stock levels' },
      ],
    });
    expect(createdApi.status, JSON.stringify(createdApi.body)).toBe(201);
    expect(createdApi.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), identifier: API, signing_alg: 'RS256', token_lifetime: 86400 });

    // 2. A machine-to-machine application: its secret is shown once, now.
    const createdApp = await api(TOKEN, 'POST', '/clients', { name: 'Inventory Sync', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    expect(createdApp.status, JSON.stringify(createdApp.body)).toBe(201);
    const { client_id: APP_ID, client_secret: APP_SECRET } = createdApp.body as { client_id: string; client_secret: string };
    expect(APP_SECRET).toEqual(expect.any(String));

    // Without a grant, /oauth/token refuses it as Auth0 does.
    expect(await clientCredentials(APP_ID, APP_SECRET, API)).toEqual({
      status: 403,
      body: {
        error: 'access_denied',
        error_description: `Client is not authorized to access "${API}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
      },
    });

    // 3. Grant it one scope.
    const grant = await api(TOKEN, 'POST', '/client-grants', { client_id: APP_ID, audience: API, scope: ['read:stock'] });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    expect(grant.body).toMatchObject({ id: expect.stringMatching(/^cgr_/), client_id: APP_ID, audience: API, scope: ['read:stock'] });

    // 4. A token for the API: exactly the granted scope.
    const first = await clientCredentials(APP_ID, APP_SECRET, API);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, scope: 'read:stock' });
    const ACCESS = first.body.access_token as string;

    // 5. Verify it with a JWT library through the JWKS that discovery names: RS256, issuer, audience pinned.
    const discovery = (await (await httpsFetch(`${base}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery).toMatchObject({ issuer: `${base}/`, jwks_uri: `${base}/.well-known/jwks.json` });
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri), { [customFetch]: (url: string) => httpsFetch(url) });
    const verify = (token: string, keys: JWTVerifyGetKey = jwks) => jwtVerify(token, keys, { algorithms: ['RS256'], issuer: discovery.issuer, audience: API });
    const verified = await verify(ACCESS);
    expect(verified.payload).toMatchObject({ iss: `${base}/`, aud: API, sub: `${APP_ID}@clients`, azp: APP_ID, gty: 'client-credentials' });
    expect((verified.payload.scope as string).split(' ')).toEqual(['read:stock']);
    const oldKid = verified.protectedHeader.kid!;

    // The Management API refuses a token for another audience.
    expect(await api(ACCESS, 'GET', '/clients')).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: `Bad audience: ${API}`, errorCode: 'invalid_token' },
    });

    // 6. Rotate the signing key: new tokens use the new key at once; the old key's tokens still verify.
    const listed = await api(TOKEN, 'GET', '/keys/signing');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect((listed.body as { kid: string; current?: boolean }[]).filter((k) => k.current === true).map((k) => k.kid)).toEqual([oldKid]);
    const rotated = await api(TOKEN, 'POST', '/keys/signing/rotate');
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(201);
    const second = await clientCredentials(APP_ID, APP_SECRET, API);
    expect(second.status).toBe(200);
    const NEXT = second.body.access_token as string;
    const newKid = decodeProtectedHeader(NEXT).kid;
    expect(newKid).not.toBe(oldKid);
    // JWKS published the next key before the rotation: the verifier's cached set already knows it
    // (jose refetches a set on an unknown kid at most every 30 s, so a missing next key would fail here).
    expect((await verify(NEXT)).payload.scope).toBe('read:stock');
    expect((await verify(ACCESS)).payload.sub).toBe(`${APP_ID}@clients`);

    // 7. Revoke the old key (the previous one; TOKEN was signed by it and is still good until then).
    const revoked = await api(TOKEN, 'PUT', `/keys/signing/${encodeURIComponent(oldKid)}/revoke`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ kid: oldKid, cert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/) });

    // A token of the old key is refused by the Management API, and the key has left JWKS.
    const stale = await api(TOKEN, 'GET', '/keys/signing');
    expect(stale.status, JSON.stringify(stale.body)).toBe(401);
    expect(stale.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', errorCode: 'invalid_token' });
    const published = (await (await httpsFetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).not.toContain(oldKid);
    expect(published.keys.map((k) => k.kid)).toContain(newKid);
    const fresh = createRemoteJWKSet(new URL(discovery.jwks_uri), { [customFetch]: (url: string) => httpsFetch(url) });
    await expect(verify(ACCESS, fresh)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect((await verify(NEXT, fresh)).payload.scope).toBe('read:stock');

    // A new Management token (new key) sees the old key revoked.
    const again = await clientCredentials(bootstrap.management.client_id, bootstrap.management.client_secret, bootstrap.management.audience);
    const keys = await api(again.body.access_token as string, 'GET', '/keys/signing');
    expect(keys.status).toBe(200);
    expect((keys.body as { kid: string; revoked?: boolean }[]).find((k) => k.kid === oldKid)).toMatchObject({ revoked: true });
  });
});
