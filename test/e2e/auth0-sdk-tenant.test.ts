import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGEMENT_SCOPES } from '#shared/tenant/scopes';
import { startHttpsService, type HttpsService } from '#test/support/https-service';

/**
 * Auth0's own Node SDK (`auth0` v7, ManagementClient) managing the tenant (issue 10): the
 * `clients`, `resourceServers`, `clientGrants`, `connections` (and `connections.clients`) and
 * `keys.signing` managers (issue 11: `prompts.partials`, `branding`, `tenants.settings`), against `npm start` as a newcomer starts it, behind HTTPS with ISSUER
 * set to the public https URL. The SDK runs in its own process
 * (test/e2e/fixtures/sdk-tenant-flow.mjs) because NODE_EXTRA_CA_CERTS is read only at process
 * start; it runs once, and each test below checks one manager's section of what it printed.
 */
const fixture = fileURLToPath(new URL('./fixtures/sdk-tenant-flow.mjs', import.meta.url));
const API = 'https://inventory.example.com/api';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Json = any; // the fixture's JSON

let service: HttpsService;
let run: { code: number | null; stdout: string; stderr: string };
let out: Record<string, Json> = {};

beforeAll(async () => {
  service = await startHttpsService('auth0-sdk-tenant-e2e-');
  run = await service.runFixture(fixture, {
    AUTH0_DOMAIN: service.domain,
    AUTH0_CLIENT_ID: service.credentials.management.client_id,
    AUTH0_CLIENT_SECRET: service.credentials.management.client_secret,
    AUTH0_APP_CLIENT_ID: service.credentials.application.client_id,
  });
  if (run.code === 0) out = JSON.parse(run.stdout) as Record<string, Json>;
}, 180_000);

afterAll(async () => {
  const shutdown = await service?.stop(3_000);
  expect(shutdown, `service output:\n${service?.output()}`).toEqual({ exit: { code: 0, signal: null }, leftovers: [] });
}, 60_000);

/** One manager's results; a section the fixture could not finish fails here with what the SDK raised. */
function section(name: string): Json {
  expect(run.code, `sdk-tenant-flow failed:\n${run.stderr}\nservice output:\n${service.output()}`).toBe(0);
  const s = out[name];
  expect(s?.failed, `section ${name} failed: ${JSON.stringify(s?.failed, null, 2)}`).toBeUndefined();
  return s;
}

const managementAudience = () => `https://${service.domain}/api/v2/`;
const without = (o: Json, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const notFound = (message: string, errorCode: string) => ({
  name: 'NotFoundError',
  isManagementError: true,
  statusCode: 404,
  body: { statusCode: 404, error: 'Not Found', message, errorCode },
});
/** An Auth0-shaped refusal, whatever its words (where Auth0's are not known). */
const refused = (name: string, statusCode: number) => ({
  name,
  isManagementError: true,
  statusCode,
  body: { statusCode, error: expect.any(String), message: expect.any(String), errorCode: expect.any(String) },
});

describe('Auth0 Node SDK managing the tenant, behind HTTPS', () => {
  it('clients: create, get (fields), list paged with include_totals and iterated, filter by app_type, update, typed errors', () => {
    const a = section('applications');
    expect(a.m2m).toMatchObject({
      client_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      client_secret: expect.any(String),
      name: 'Inventory Sync',
      description: 'Machine to machine: syncs stock levels',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      jwt_configuration: { lifetime_in_seconds: 3600 },
      client_metadata: { team: 'inventory' },
    });
    expect(a.spa).toMatchObject({
      name: 'Storefront',
      app_type: 'spa',
      callbacks: ['https://shop.example.com/callback', 'https://*.shop.example.com/callback', 'http://localhost:3000/callback'],
      allowed_logout_urls: ['https://shop.example.com/'],
      web_origins: ['https://shop.example.com'],
      allowed_origins: ['https://shop.example.com'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      is_first_party: true,
      logo_uri: 'https://shop.example.com/logo.png',
      refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', token_lifetime: 86400, idle_token_lifetime: 43200, leeway: 0 },
    });
    // Secrets are stored as digests: a later read cannot show one (Auth0 shows it to read:client_keys).
    expect(a.fetched).toEqual(without(a.m2m, 'client_secret'));
    expect(a.someFields).toEqual({ client_id: a.m2m.client_id, name: 'Inventory Sync' });

    // The seed's two clients (Management API, Default App) and the two made here.
    expect(a.paging).toEqual({ envelope: { start: 0, limit: 1, total: 4, clients: 1 }, ids: [expect.any(String)], hasNextPage: true });
    expect(a.iterated).toHaveLength(4);
    expect(new Set(a.iterated).size).toBe(4);
    expect(a.iterated).toEqual(expect.arrayContaining([a.m2m.client_id, a.spa.client_id, service.credentials.management.client_id]));
    expect(a.spaOnly).toEqual(['Storefront']);
    expect([...a.namesOnly].sort((x: Json, y: Json) => x.name.localeCompare(y.name))).toEqual(
      ['Default App', 'Inventory Sync', 'Management API (bootstrap)', 'Storefront'].map((name) => ({ name })),
    );

    expect(a.updated).toMatchObject({ client_id: a.m2m.client_id, description: 'Reads and writes stock levels', client_metadata: { team: 'stock', region: 'eu' } });
    expect(a.afterUpdate).toEqual(without(a.updated, 'client_secret'));

    expect(a.missing).toEqual(notFound('The client does not exist', 'inexistent_client'));
    expect(a.badBody).toMatchObject({ name: 'BadRequestError', statusCode: 400, body: { statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' } });
    expect(a.badBody.body.message).toMatch(/^Payload validation error: 'Additional properties not allowed: colour/);
  });

  it('resource servers: create, get by id and by identifier, list paged, the system Management API, update, 409, typed errors', () => {
    const r = section('apis');
    expect(r.api).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Inventory API',
      identifier: API,
      scopes: [
        { value: 'read:stock', description: 'Read stock levels' },
        { value: 'write:stock', description: 'Change stock levels' },
      ],
      signing_alg: 'RS256',
      token_lifetime: 3600,
      allow_offline_access: false,
      skip_consent_for_verifiable_first_party_clients: true,
    });
    // Exactly the keys of Auth0's answer (go-auth0 recording TestClientGrantManager_Create): no is_system on a custom API.
    expect(Object.keys(r.api).sort()).toEqual(
      ['allow_offline_access', 'id', 'identifier', 'name', 'scopes', 'signing_alg', 'skip_consent_for_verifiable_first_party_clients', 'token_lifetime', 'token_lifetime_for_web'],
    );
    expect(r.fetched).toEqual(r.api);
    expect(r.byIdentifier).toEqual({ value: r.api });
    expect(r.byIdentifiers).toEqual([r.api.id]);

    expect(r.paging).toEqual({ envelope: { start: 0, limit: 1, total: 2, resource_servers: 1 }, count: 1, hasNextPage: true });
    expect([...r.identifiers].sort()).toEqual([API, managementAudience()].sort());
    expect(r.system).toMatchObject({
      id: expect.any(String),
      name: 'Auth0 Management API',
      identifier: managementAudience(),
      is_system: true,
      signing_alg: 'RS256',
    });
    expect(r.system.scopes).toEqual(expect.arrayContaining([...MANAGEMENT_SCOPES]));

    expect(r.updated).toMatchObject({ id: r.api.id, identifier: API, name: 'Inventory API (v2)', token_lifetime: 7200 });
    expect(r.updated.scopes.map((s: Json) => s.value)).toEqual(['read:stock', 'write:stock', 'delete:stock']);
    expect(r.duplicate).toMatchObject(refused('ConflictError', 409));
    expect(r.duplicate.body.error).toBe('Conflict');

    // The system API can be neither changed nor deleted, and is as it was.
    expect(r.systemUpdate.statusCode, JSON.stringify(r.systemUpdate)).toBeGreaterThanOrEqual(400);
    expect(r.systemUpdate.statusCode).toBeLessThan(500);
    expect(r.systemUpdate.body).toEqual(refused('', r.systemUpdate.statusCode).body);
    expect(r.systemDelete.statusCode, JSON.stringify(r.systemDelete)).toBeGreaterThanOrEqual(400);
    expect(r.systemDelete.statusCode).toBeLessThan(500);
    expect(r.systemAfter).toEqual(r.system);

    expect(r.missing).toEqual(notFound('The resource server does not exist', 'inexistent_resource_server'));
  });

  it('client grants: create, get, list by audience and client_id (checkpoint paging), a token with exactly the grant, update scope, 400, 409, 404, delete', () => {
    const g = section('grants');
    const a = section('applications');
    const m2m = a.m2m.client_id;
    // Auth0's answer, exactly (go-auth0 recording TestClientGrantManager_Create).
    expect(g.grant).toEqual({ id: expect.stringMatching(/^cgr_[A-Za-z0-9]{16}$/), client_id: m2m, audience: API, scope: ['read:stock'] });
    expect(g.fetched).toEqual({ value: g.grant });
    expect(g.byAudience).toEqual([g.grant]);
    expect(g.byClient).toEqual([g.grant]);
    // The seeded Management client holds its scopes through a client grant.
    expect(g.managementGrants).toEqual([
      { client_id: service.credentials.management.client_id, audience: managementAudience(), scopes: MANAGEMENT_SCOPES.length, readsClients: true },
    ]);
    expect(g.iterated).toHaveLength(2);
    expect(g.iterated).toContain(g.grant.id);

    // The API's token_lifetime (7200 after its update) and only the granted scope.
    expect(g.token).toEqual({ status: 200, scope: 'read:stock', token_type: 'Bearer', expires_in: 7200 });
    expect(g.claims.header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(g.claims.payload).toMatchObject({
      iss: `https://${service.domain}/`,
      aud: API,
      sub: `${m2m}@clients`,
      azp: m2m,
      scope: 'read:stock',
      gty: 'client-credentials',
    });
    expect(g.claims.payload.exp - g.claims.payload.iat).toBe(7200);
    expect(g.sdkToken).toEqual({ scope: 'read:stock', token_type: 'Bearer', aud: API });

    expect(g.updated).toMatchObject({ id: g.grant.id, scope: ['read:stock', 'write:stock'] });
    expect(g.widenedScope).toBe('read:stock write:stock');
    expect(g.undefinedScope).toMatchObject(refused('BadRequestError', 400));
    expect(g.duplicate).toMatchObject(refused('ConflictError', 409));
    expect(g.duplicate.body).toMatchObject({ error: 'Conflict', message: `A client grant already exists between ${m2m} and ${API}` });
    expect(g.unknownAudience).toMatchObject(refused('NotFoundError', 404));
    expect(g.unknownAudience.body.message).toBe('No resource with identifier https://nowhere.example.com/');

    // rotate-secret: a new secret, shown once; the old one is refused at once.
    expect(g.rotated).toMatchObject({ client_id: m2m, client_secret: 'present', sameSecret: false });
    expect(g.oldSecret).toEqual({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
    expect(g.newSecretStatus).toBe(200);

    expect(g.deleted).toBe(204);
    expect(g.afterDelete).toEqual(notFound('The grant does not exist.', 'inexistent_client_grant'));
    expect(g.noGrant).toEqual({
      status: 403,
      body: {
        error: 'access_denied',
        error_description: `Client is not authorized to access "${API}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
      },
    });
  });

  it('connections: create a database connection, list by name and strategy (checkpoint paging), update options, enabled clients, 409, 404, delete 202', () => {
    const c = section('connections');
    expect(c.created).toMatchObject({
      id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/),
      name: 'inventory-staff',
      display_name: 'Inventory staff',
      strategy: 'auth0',
      realms: ['inventory-staff'],
      is_domain_connection: false,
      options: {
        passwordPolicy: 'excellent',
        password_complexity_options: { min_length: 12 },
        requires_username: true,
        validation: { username: { min: 3, max: 20 } },
        brute_force_protection: true,
        disable_signup: false,
      },
    });
    expect(c.fetched).toEqual(c.created);
    // configuration values are secrets: never read back as sent (Auth0 answers them encrypted), nor logged.
    expect(Object.keys(c.created.options.configuration)).toEqual(['WAREHOUSE_DB_PASSWORD']);
    expect(c.created.options.configuration.WAREHOUSE_DB_PASSWORD).toEqual(expect.any(String));
    expect(JSON.stringify(out)).not.toContain('hunter2-not-for-logs');
    expect(service.output()).not.toContain('hunter2-not-for-logs');
    expect(c.byName).toEqual([c.created.id]);
    expect(c.byStrategy).toEqual(['Username-Password-Authentication', 'inventory-staff'].sort());
    expect(c.someFields).toEqual([{ id: c.created.id, name: 'inventory-staff', strategy: 'auth0' }]);
    expect([...c.iterated].sort()).toEqual(['Username-Password-Authentication', 'inventory-staff'].sort());

    // A PATCH carrying options replaces the whole object (Auth0).
    expect(c.updated).toMatchObject({ id: c.created.id, display_name: 'Warehouse staff', options: { passwordPolicy: 'good', brute_force_protection: true, disable_signup: true } });
    expect(c.updated.options).not.toHaveProperty('password_complexity_options');
    expect(c.updated.options).not.toHaveProperty('validation');

    expect(c.enabledBefore).toEqual([{ client_id: service.credentials.application.client_id }]);
    // The seeded application stays enabled on the seeded connection.
    expect(c.seededEnabled).toContain(service.credentials.application.client_id);
    expect(c.enabledUpdate).toBe(204);
    expect(c.enabledAfter).toEqual([{ client_id: service.credentials.management.client_id }]);

    expect(c.duplicate).toEqual({
      name: 'ConflictError',
      isManagementError: true,
      statusCode: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'A connection with the same name already exists', errorCode: 'connection_conflict' },
    });
    expect(c.missing).toEqual(notFound('The connection does not exist', 'inexistent_connection'));
    expect(c.deleted).toBe(202);
    expect(c.afterDelete).toEqual(notFound('The connection does not exist', 'inexistent_connection'));
  });

  it('deletes an application and an API (204, then 404, and 204 again), their client grants with them', () => {
    const d = section('cleanup');
    expect(d).toEqual({
      clientDeleted: 204,
      clientAfter: notFound('The client does not exist', 'inexistent_client'),
      clientDeletedAgain: 204,
      grantsOfDeletedClient: [],
      apiDeleted: 204,
      apiAfter: notFound('The resource server does not exist', 'inexistent_resource_server'),
      apiDeletedAgain: 204,
      grantsOfDeletedApi: [],
    });
  });

  it('login page configuration (issue 11): prompts.partials set/get, branding get/update (merge), tenants.settings get/update, typed errors', () => {
    const l = section('loginPage');
    const partials = { signup: { 'form-content-start': '<label>Company <input name="ulp-company"></label>' } };
    expect(l.partialsSet).toBe(200);
    expect(l.partialsGot).toEqual(partials);
    expect(l.unknownPrompt).toMatchObject({
      statusCode: 400,
      body: { statusCode: 400, error: 'Bad Request', errorCode: 'invalid_uri', message: 'Path validation error: \'Invalid value "no-such-prompt"\' on property prompt (Name of the prompt).' },
    });
    expect(l.partialsCleared).toEqual({});

    expect(l.brandingBefore).toEqual({});
    const branding = {
      colors: { primary: '#0059d6', page_background: { type: 'linear-gradient', start: '#000000', end: '#ffffff', angle_deg: 35 } },
      logo_url: 'https://shop.example.com/logo.png',
      favicon_url: 'https://shop.example.com/favicon.ico',
      font: { url: 'https://shop.example.com/font.woff2' },
    };
    expect(l.brandingUpdated).toEqual(branding);
    const merged = { ...without(branding, 'favicon_url'), colors: { ...branding.colors, primary: '#ea5323' } };
    expect(l.brandingMerged).toEqual(merged);
    expect(l.brandingGot).toEqual(merged);
    expect(l.badColour).toMatchObject({ name: 'BadRequestError', statusCode: 400, body: { errorCode: 'invalid_body' } });

    expect(l.settingsBefore).toMatchObject({ session_lifetime: 168, idle_session_lifetime: 72, allowed_logout_urls: [], enabled_locales: ['en'], flags: { enable_sso: true } });
    expect(l.settingsUpdated).toMatchObject({
      friendly_name: 'Shop',
      support_email: 'support@shop.example.com',
      allowed_logout_urls: ['https://shop.example.com/'],
      session_lifetime: 24,
      idle_session_lifetime: 2,
      session_cookie: { mode: 'non-persistent' },
      enabled_locales: ['en'],
      flags: { enable_sso: true, universal_login: true },
    });
    expect(l.settingsSome).toEqual({ friendly_name: 'Shop', session_lifetime: 24 });
    expect(l.badLogoutUrl).toMatchObject({ name: 'BadRequestError', statusCode: 400, body: { errorCode: 'invalid_body' } });
  });

  it('signing keys: list, get, rotate, revoke the previous key (and not the current one); a token of the revoked key is refused', () => {
    const k = section('keys');
    const keyShape = {
      kid: expect.any(String),
      cert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+-----END CERTIFICATE-----\s*$/),
      pkcs7: expect.stringMatching(/^-----BEGIN PKCS7-----\r?\n[\s\S]+-----END PKCS7-----\s*$/),
      fingerprint: expect.any(String),
      thumbprint: expect.any(String),
    };
    for (const key of [...k.before, ...k.after, ...k.afterRevoke]) expect(key).toMatchObject(keyShape);
    const only = (keys: Json[], flag: string) => {
      const found = keys.filter((key) => key[flag] === true);
      expect(found, `${flag} keys in ${JSON.stringify(keys.map((x: Json) => without(x, 'cert', 'pkcs7')))}`).toHaveLength(1);
      return found[0];
    };
    const [current, next] = [only(k.before, 'current'), only(k.before, 'next')];
    expect(current.current_since).toMatch(ISO);
    expect(k.fetched).toEqual(current);

    // Rotation: the next key becomes current, the current one previous, and a new next appears.
    expect(k.rotated.status).toBe(201);
    expect(k.rotated.body).toMatchObject({ kid: expect.any(String), cert: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/) });
    const [nowCurrent, nowNext, nowPrevious] = [only(k.after, 'current'), only(k.after, 'next'), only(k.after, 'previous')];
    expect(nowCurrent.kid).toBe(next.kid);
    expect(nowPrevious).toMatchObject({ kid: current.kid, current: false, current_until: expect.stringMatching(ISO) });
    expect(k.before.map((key: Json) => key.kid)).not.toContain(nowNext.kid);
    expect([nowCurrent.kid, nowNext.kid]).toContain(k.rotated.body.kid);

    // Only the previous key can be revoked.
    expect(k.revokeCurrent.statusCode, JSON.stringify(k.revokeCurrent)).toBeGreaterThanOrEqual(400);
    expect(k.revokeCurrent.statusCode).toBeLessThan(500);
    expect(k.revokeCurrent.body).toEqual(refused('', k.revokeCurrent.statusCode).body);
    expect(k.revoked).toMatchObject({ kid: current.kid, cert: current.cert });

    // The ManagementClient's cached token was signed by the revoked key: refused at once.
    expect(k.staleClient).toMatchObject({ name: 'UnauthorizedError', statusCode: 401, body: { statusCode: 401, error: 'Unauthorized', errorCode: 'invalid_token' } });
    const revokedKey = k.afterRevoke.find((key: Json) => key.kid === current.kid);
    expect(revokedKey).toMatchObject({ revoked: true, revoked_at: expect.stringMatching(ISO) });
    expect(k.revokedKey).toEqual(revokedKey);
    expect(k.missing).toMatchObject(refused('NotFoundError', 404));

    // JWKS: current and next (the previous one is revoked), with x5c = the keys API's cert.
    const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    expect(k.jwks.keys.map((key: Json) => key.kid).sort()).toEqual([nowCurrent.kid, nowNext.kid].sort());
    for (const key of k.jwks.keys) {
      const listed = k.afterRevoke.find((x: Json) => x.kid === key.kid);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', x5t: expect.any(String), x5c: [pemBody(listed.cert)] });
    }
  });
});
