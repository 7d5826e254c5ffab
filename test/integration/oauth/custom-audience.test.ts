import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { config, managementAudience } from '#shared/platform/config';
import { createClient } from '#shared/tenant/clients';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests, type CallResult } from '#test/support/api';
import { claimsOf, login, PASSWORD, seedApplication, seedLoginUser } from '#test/support/logins';

/**
 * Tokens for the tenant's own APIs: client_credentials through a client grant, password and
 * refresh logins with `audience`, and the wall between audiences (a custom API's token never
 * passes as a Management API or /userinfo token, and the reverse), with the requests they cost.
 */
const API = 'https://inventory.example.com/api';
const OFFLINE_API = 'https://offline.example.com/api';
const USERINFO = `${config.ISSUER}userinfo`;
const MGMT = ['create:resource_servers', 'update:resource_servers', 'create:client_grants', 'update:client_grants', 'delete:client_grants'];

let machine: { id: string; secret: string };
let grantId: string;

async function newApi(body: Record<string, unknown>) {
  const res = await call('resource-servers-create', { scopes: MGMT, body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string };
}

beforeAll(async () => {
  await newApi({
    identifier: API, name: 'Inventory', token_lifetime: 3600,
    scopes: [{ value: 'read:stock' }, { value: 'write:stock' }, { value: 'delete:stock' }],
  });
  await newApi({ identifier: OFFLINE_API, name: 'Offline', allow_offline_access: true, token_lifetime: 600, scopes: [{ value: 'sync' }] });
  const { client, client_secret } = await createClient({ name: 'Inventory sync', app_type: 'non_interactive', grant_types: ['client_credentials'] });
  machine = { id: client.client_id, secret: client_secret };
  const grant = await call('client-grants-create', { scopes: MGMT, body: { client_id: client.client_id, audience: API, scope: ['read:stock', 'write:stock'] } });
  expect(grant.status, grant.text).toBe(201);
  grantId = grant.body.id;
});

const token = (params: Record<string, string>, client = machine): Promise<CallResult> =>
  call('oauth-token', {
    headers: { 'content-type': 'application/json' },
    rawBody: JSON.stringify({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, ...params }),
  });

const denied = (description: string) => ({ error: 'access_denied', error_description: description });

async function jwks(): Promise<ReturnType<typeof createLocalJWKSet>> {
  return createLocalJWKSet((await call('jwks')).body as JSONWebKeySet);
}

describe('client_credentials for a custom API', () => {
  it("carries the grant's scopes, for the API's token_lifetime, verifiable through JWKS with issuer, audience and RS256 pinned", async () => {
    const res = await token({ audience: API });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), scope: 'read:stock write:stock', expires_in: 3600, token_type: 'Bearer' });
    const { payload, protectedHeader } = await jwtVerify(res.body.access_token, await jwks(), { issuer: config.ISSUER, audience: API, algorithms: ['RS256'] });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({ iss: config.ISSUER, sub: `${machine.id}@clients`, aud: API, azp: machine.id, gty: 'client-credentials', scope: 'read:stock write:stock' });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('narrows to the requested scopes, and refuses a scope the grant lacks', async () => {
    const narrow = await token({ audience: API, scope: 'write:stock' });
    expect(narrow.body.scope).toBe('write:stock');
    const wider = await token({ audience: API, scope: 'read:stock delete:stock' });
    expect(wider.status).toBe(403);
    expect(wider.body).toEqual(denied('Client has not been granted scopes: delete:stock'));
  });

  it("refuses a client without a grant and an unknown audience, in Auth0's words", async () => {
    const { client, client_secret } = await createClient({ name: 'Ungranted', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const none = await token({ audience: API }, { id: client.client_id, secret: client_secret });
    expect(none.status).toBe(403);
    expect(none.body).toEqual(
      denied(`Client is not authorized to access "${API}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`),
    );
    for (const audience of ['https://nowhere.example.com/', USERINFO, `${API}/`, API.toUpperCase()]) {
      const res = await token({ audience });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(denied(`Service not found: ${audience}`));
    }
  });

  it('follows a narrowed grant and a scope removed from the API at the next token', async () => {
    const narrowed = await call('client-grants-update', { scopes: MGMT, params: { id: grantId }, body: { scope: ['read:stock'] } });
    expect(narrowed.status).toBe(200);
    expect((await token({ audience: API })).body.scope).toBe('read:stock');

    const { client, client_secret } = await createClient({ name: 'Deleter', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const made = await call('client-grants-create', { scopes: MGMT, body: { client_id: client.client_id, audience: API, scope: ['read:stock', 'delete:stock'] } });
    expect((await token({ audience: API }, { id: client.client_id, secret: client_secret })).body.scope).toBe('read:stock delete:stock');
    const apiId = (await call('resource-servers-get', { scopes: ['read:resource_servers'], params: { id: API } })).body.id;
    const dropped = await call('resource-servers-update', {
      scopes: MGMT, params: { id: apiId }, body: { scopes: [{ value: 'read:stock' }, { value: 'write:stock' }] },
    });
    expect(dropped.status).toBe(200);
    expect((await token({ audience: API }, { id: client.client_id, secret: client_secret })).body.scope).toBe('read:stock');
    await call('client-grants-delete', { scopes: MGMT, params: { id: made.body.id } });
    expect((await token({ audience: API }, { id: client.client_id, secret: client_secret })).status).toBe(403);

    await call('client-grants-update', { scopes: MGMT, params: { id: grantId }, body: { scope: ['read:stock', 'write:stock'] } });
  });

  it('reads no table in the steady state: the client with its grants and the APIs come from the caches', async () => {
    expect((await token({ audience: API })).status).toBe(200); // warms the client, API and signer caches
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    for (let i = 0; i < 3; i += 1) expect((await token({ audience: API })).status).toBe(200);
    stop();
    expect(seen.map((r) => r.db.commands)).toEqual([[], [], []]);
    expect(seen.every((r) => r.db.readUnits === 0 && r.db.writeUnits === 0)).toBe(true);
  });

  it('after a change to the tenant, reads the client and the APIs once each (one Query each)', async () => {
    const apiId = (await call('resource-servers-get', { scopes: ['read:resource_servers'], params: { id: API } })).body.id;
    await call('resource-servers-update', { scopes: MGMT, params: { id: apiId }, body: { name: 'Inventory (renamed)' } });
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    expect((await token({ audience: API })).status).toBe(200);
    stop();
    // The client partition, the RESOURCE_SERVERS partition, and the signing keys' (tenantChanged clears every tenant cache).
    expect(seen[0]!.db.commands.filter((c) => c !== 'Query')).toEqual([]);
    expect(seen[0]!.db.commands.length).toBeLessThanOrEqual(3);
  });
});

describe('audiences never mix', () => {
  it("refuses a custom API's token at the Management API and at /userinfo", async () => {
    const custom = (await token({ audience: API })).body.access_token as string;
    const management = await call('resource-servers-list', { token: custom });
    expect(management.status).toBe(401);
    expect(management.body).toMatchObject({ statusCode: 401, message: `Bad audience: ${API}`, errorCode: 'invalid_token' });
    const info = await call('userinfo', { headers: { authorization: `Bearer ${custom}` } });
    expect(info.status).toBe(401);
    expect(info.body).toEqual({ error: 'invalid_token', error_description: `Bad audience: ${API}` });
  });

  it("refuses a Management API token where a custom API checks its audience", async () => {
    const { client, client_secret } = await createClient({
      name: 'Admin', app_type: 'non_interactive', grant_types: ['client_credentials'], grants: [{ audience: managementAudience, scope: ['read:users'] }],
    });
    const res = await token({ audience: managementAudience }, { id: client.client_id, secret: client_secret });
    expect(res.status).toBe(200);
    const keys = await jwks();
    await expect(jwtVerify(res.body.access_token, keys, { issuer: config.ISSUER, audience: API, algorithms: ['RS256'] })).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud',
    });
    // And a custom API's token is no Management token, even holding a Management scope's name.
    const strange = await newApi({ identifier: 'https://strange.example.com/', scopes: [{ value: 'read:users' }] });
    expect(strange.id).toMatch(/^[0-9a-f]{24}$/);
    await call('client-grants-create', { scopes: MGMT, body: { client_id: client.client_id, audience: 'https://strange.example.com/', scope: ['read:users'] } });
    const lookalike = await token({ audience: 'https://strange.example.com/' }, { id: client.client_id, secret: client_secret });
    expect(lookalike.body.scope).toBe('read:users');
    expect((await call('resource-servers-list', { token: lookalike.body.access_token })).status).toBe(401);
  });
});

describe('password and refresh logins with a custom audience', () => {
  let app: { client_id: string; client_secret: string };
  beforeAll(async () => {
    app = await seedApplication();
  });

  it("carries the requested scopes the API defines, aud [api, userinfo] with openid, and the API's lifetime", async () => {
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD, audience: API, scope: 'openid email read:stock fly:rockets offline_access read:users' });
    expect(res.status, res.text).toBe(200);
    // offline_access: Inventory does not allow it, so no refresh token either.
    expect(Object.keys(res.body)).toEqual(['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect(res.body).toMatchObject({ scope: 'openid email read:stock', expires_in: 3600 });
    const claims = claimsOf(res.body.access_token);
    expect(claims).toMatchObject({ aud: [API, USERINFO], scope: 'openid email read:stock', sub: user.user_id });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    const info = await call('userinfo', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(info.status, info.text).toBe(200);
    expect(info.body).toMatchObject({ sub: user.user_id, email: user.email });
    const management = await call('resource-servers-list', { token: res.body.access_token });
    expect(management.status).toBe(401);
  });

  it("without openid, is for the API alone: /userinfo refuses it", async () => {
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD, audience: API, scope: 'read:stock' });
    expect(res.body).toMatchObject({ scope: 'read:stock', expires_in: 3600 });
    expect(claimsOf(res.body.access_token).aud).toBe(API);
    const info = await call('userinfo', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(info.body).toEqual({ error: 'invalid_token', error_description: `Bad audience: ${API}` });
  });

  it('refuses an unknown audience', async () => {
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD, audience: 'https://nowhere.example.com/' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(denied('Service not found: https://nowhere.example.com/'));
  });

  it('issues a refresh token where the API allows offline access; a refresh keeps the scopes the API still defines', async () => {
    const user = await seedLoginUser();
    const first = await login(app, { username: user.email, password: PASSWORD, audience: OFFLINE_API, scope: 'openid sync offline_access' });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ scope: 'openid sync offline_access', expires_in: 600, refresh_token: expect.any(String) });
    const second = await login(app, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(second.status, second.text).toBe(200);
    expect(second.body).toMatchObject({ scope: 'openid sync offline_access', expires_in: 600 });
    expect(claimsOf(second.body.access_token)).toMatchObject({ aud: [OFFLINE_API, USERINFO] });

    const apiId = (await call('resource-servers-get', { scopes: ['read:resource_servers'], params: { id: OFFLINE_API } })).body.id;
    await call('resource-servers-update', { scopes: MGMT, params: { id: apiId }, body: { scopes: [], token_lifetime: 300 } });
    const third = await login(app, { grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
    expect(third.status, third.text).toBe(200);
    expect(third.body).toMatchObject({ scope: 'openid offline_access', expires_in: 300 });
  });
});
