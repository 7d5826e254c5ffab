import { describe, expect, it } from 'vitest';
import { config, managementAudience } from '#shared/platform/config';
import { MANAGEMENT_SCOPES } from '#shared/tenant/scopes';
import { createClient } from '#shared/tenant/clients';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';

/**
 * /api/v2/resource-servers through the route table: Auth0's shapes, the Management API as the
 * system API, identifier claims, lifetimes, RS256 only, deletes that take the API's grants, and
 * hostile input. This file's table starts with no custom API.
 */
const ALL = ['create:resource_servers', 'read:resource_servers', 'update:resource_servers', 'delete:resource_servers'];
const GRANTS = ['create:client_grants', 'read:client_grants'];
let counter = 0;
const uniqueIdentifier = () => `https://api-${++counter}-${Math.random().toString(36).slice(2, 8)}.example.com/`;

async function createApi(body: Record<string, unknown> = {}) {
  const res = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), name: 'Orders API', ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; identifier: string; name: string; token_lifetime: number; token_lifetime_for_web: number };
}

const invalidBody = (message: string) => ({ statusCode: 400, error: 'Bad Request', message, errorCode: 'invalid_body' });

describe('POST /api/v2/resource-servers', () => {
  it("creates an API in Auth0's shape, with Auth0's defaults and no is_system key", async () => {
    const identifier = uniqueIdentifier();
    const res = await call('resource-servers-create', {
      scopes: ['create:resource_servers'],
      body: { identifier, name: 'Orders API', scopes: [{ value: 'read:orders', description: 'Read orders' }, { value: 'write:orders' }] },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Orders API',
      identifier,
      scopes: [{ value: 'read:orders', description: 'Read orders' }, { value: 'write:orders' }],
      signing_alg: 'RS256',
      allow_offline_access: false,
      skip_consent_for_verifiable_first_party_clients: false,
      token_lifetime: 86400,
      token_lifetime_for_web: 7200,
    });
    expect(Object.keys(res.body)).toEqual([
      'id', 'name', 'identifier', 'scopes', 'signing_alg', 'allow_offline_access', 'skip_consent_for_verifiable_first_party_clients',
      'token_lifetime', 'token_lifetime_for_web',
    ]);
  });

  it('names an API after its identifier when no name is given, and keeps token_lifetime_for_web within token_lifetime', async () => {
    const identifier = uniqueIdentifier();
    const res = await call('resource-servers-create', { scopes: ALL, body: { identifier, token_lifetime: 3600 } });
    expect(res.body).toMatchObject({ name: identifier, token_lifetime: 3600, token_lifetime_for_web: 3600 });
    const both = await createApi({ token_lifetime: 2_592_000, token_lifetime_for_web: 60, allow_offline_access: true, enforce_policies: false, token_dialect: 'access_token' });
    expect(both).toMatchObject({ token_lifetime: 2_592_000, token_lifetime_for_web: 60, allow_offline_access: true, enforce_policies: false, token_dialect: 'access_token' });
  });

  it('refuses a taken identifier, the Management API identifier (409) and the /userinfo audience (400)', async () => {
    const api = await createApi();
    const conflict = { statusCode: 409, error: 'Conflict', message: 'A resource server with the same identifier already exists', errorCode: 'conflict' };
    const again = await call('resource-servers-create', { scopes: ALL, body: { identifier: api.identifier, name: 'Again' } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(conflict);
    const system = await call('resource-servers-create', { scopes: ALL, body: { identifier: managementAudience, name: 'Mine' } });
    expect(system.body).toEqual(conflict);
    const userinfo = await call('resource-servers-create', { scopes: ALL, body: { identifier: `${config.ISSUER}userinfo` } });
    expect(userinfo.body).toEqual(
      invalidBody(`Payload validation error: '${config.ISSUER}userinfo is the /userinfo audience and cannot be an API's identifier' on property identifier.`),
    );
  });

  it('lets exactly one of two concurrent creates claim an identifier', async () => {
    const identifier = uniqueIdentifier();
    const results = await Promise.all([1, 2].map(() => call('resource-servers-create', { scopes: ALL, body: { identifier } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const listed = await call('resource-servers-list', { scopes: ALL, query: { identifiers: identifier } });
    expect(listed.body).toHaveLength(1);
  });

  it('signs with RS256 only: HS256 and PS256 are refused clearly, and signing_secret is not a field', async () => {
    for (const alg of ['HS256', 'PS256', 'none']) {
      const res = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), signing_alg: alg } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        `Payload validation error: 'signing_alg "${alg}" is not supported by this service; use RS256' on property signing_alg (Algorithm used to sign JWTs. Can be \`HS256\` or \`RS256\`. \`PS256\` available via addon.).`,
      );
    }
    const secret = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), signing_alg: 'RS256', signing_secret: 'x'.repeat(32) } });
    expect(secret.body).toEqual(invalidBody("Payload validation error: 'Additional properties not allowed: signing_secret'."));
  });

  it('refuses lifetimes out of bounds, a web lifetime above the token lifetime, and RBAC', async () => {
    const long = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), token_lifetime: 2_592_001 } });
    expect(long.body.message).toBe(
      "Payload validation error: 'Value 2592001 is greater than maximum 2592000' on property token_lifetime (Expiration value (in seconds) for access tokens issued for this API from the token endpoint.).",
    );
    const fraction = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), token_lifetime: 1.5 } });
    expect(fraction.status).toBe(400);
    const web = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), token_lifetime: 600, token_lifetime_for_web: 7200 } });
    expect(web.body).toEqual(
      invalidBody("Payload validation error: 'token_lifetime_for_web (7200) must be less than or equal to token_lifetime (600)' on property token_lifetime_for_web."),
    );
    const rbac = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), enforce_policies: true } });
    expect(rbac.body).toEqual(invalidBody("Payload validation error: 'enforce_policies (RBAC) is not supported by this service' on property enforce_policies."));
  });

  it('refuses hostile input with a 400 naming the problem, never a 500', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'no identifier' }, "Payload validation error: 'Missing required property: identifier'."],
      [{ identifier: uniqueIdentifier(), ['__proto__']: { admin: true } }, "Payload validation error: 'Additional properties not allowed: __proto__'."],
      [{ identifier: uniqueIdentifier(), constructor: 'x' }, "Payload validation error: 'Additional properties not allowed: constructor'."],
      [{ identifier: 'https://a.example.com/\u200bhidden' }, ''],
      [{ identifier: 'has space' }, ''],
      [{ identifier: `https://${'a'.repeat(600)}.example.com` }, ''],
      [{ identifier: 42 }, "Payload validation error: 'Expected type string but found type integer' on property identifier (Unique identifier for the API used as the audience parameter on authorization calls. Can not be changed once set.)."],
      [{ identifier: uniqueIdentifier(), name: '<script>alert(1)</script>' }, ''],
      [{ identifier: uniqueIdentifier(), scopes: [{ value: 'read x' }] }, ''],
      [{ identifier: uniqueIdentifier(), scopes: [{ value: 'a' }, { value: 'a' }] }, "Payload validation error: 'Scope values must be unique' on property scopes (List of permissions (scopes) that this API uses.)."],
      [{ identifier: uniqueIdentifier(), scopes: [{ value: 'a', extra: 1 }] }, ''],
      [{ identifier: uniqueIdentifier(), scopes: 'read:all' }, ''],
      [{ identifier: uniqueIdentifier(), scopes: Array.from({ length: 1001 }, (_, i) => ({ value: `s${i}` })) }, "Payload validation error: 'Array is too long (1001), maximum 1000' on property scopes (List of permissions (scopes) that this API uses.)."],
      [{ identifier: uniqueIdentifier(), allow_offline_access: 'yes' }, ''],
    ];
    for (const [body, message] of cases) {
      const res = await call('resource-servers-create', { scopes: ALL, body });
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.body.errorCode).toBe('invalid_body');
      if (message) expect(res.body.message).toBe(message);
    }
    const notJson = await call('resource-servers-create', { scopes: ALL, rawBody: '{"identifier":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
  });

  it('refuses an API too large to store with a 400, not a 500', async () => {
    const scopes = Array.from({ length: 1000 }, (_, i) => ({ value: `scope:${i}:${'v'.repeat(200)}`, description: 'd'.repeat(500) }));
    const res = await call('resource-servers-create', { scopes: ALL, body: { identifier: uniqueIdentifier(), scopes } });
    expect(res.body).toEqual(
      invalidBody("Payload validation error: 'The API is larger than this service can store (400 KB): use fewer or shorter scopes and descriptions' on property scopes."),
    );
  });

  it('answers 401 without a token and 403 without create:resource_servers', async () => {
    const none = await call('resource-servers-create', { body: { identifier: uniqueIdentifier() } });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' });
    const wrong = await call('resource-servers-create', { scopes: ['read:resource_servers'], body: { identifier: uniqueIdentifier() } });
    expect(wrong.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:resource_servers', errorCode: 'insufficient_scope' });
  });
});

describe('GET /api/v2/resource-servers and /{id}', () => {
  it('gets an API by id and by its identifier; 404 for neither', async () => {
    const api = await createApi();
    const byId = await call('resource-servers-get', { scopes: ['read:resource_servers'], params: { id: api.id } });
    expect(byId.body).toEqual(api);
    const byIdentifier = await call('resource-servers-get', { scopes: ['read:resource_servers'], params: { id: api.identifier } });
    expect(byIdentifier.body).toEqual(api);
    const missing = await call('resource-servers-get', { scopes: ALL, params: { id: '000000000000000000000000' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The resource server does not exist', errorCode: 'inexistent_resource_server' });
    const projected = await call('resource-servers-get', { scopes: ALL, params: { id: api.id }, query: { fields: 'id,identifier' } });
    expect(projected.body).toEqual({ id: api.id, identifier: api.identifier });
  });

  it('shows the Management API as the system API, by id and by identifier', async () => {
    const byIdentifier = await call('resource-servers-get', { scopes: ALL, params: { id: managementAudience } });
    expect(byIdentifier.status).toBe(200);
    expect(byIdentifier.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'Auth0 Management API', identifier: managementAudience, is_system: true, signing_alg: 'RS256',
      token_lifetime: 86400,
    });
    expect(byIdentifier.body.scopes.map((s: { value: string }) => s.value)).toEqual([...MANAGEMENT_SCOPES]);
    expect(byIdentifier.body.scopes[0]).toEqual({ value: 'read:users', description: 'Read Users' });
    const byId = await call('resource-servers-get', { scopes: ALL, params: { id: byIdentifier.body.id } });
    expect(byId.body).toEqual(byIdentifier.body);
  });

  it("lists the system API first, then custom APIs by creation; pages in Auth0's envelope; filters by identifiers", async () => {
    const all = (await call('resource-servers-list', { scopes: ALL })).body as { identifier: string; is_system?: boolean }[];
    expect(all[0]).toMatchObject({ identifier: managementAudience, is_system: true });
    expect(all.length).toBeGreaterThan(3);
    const page = await call('resource-servers-list', { scopes: ALL, query: { page: '1', per_page: '2', include_totals: 'true', fields: 'identifier' } });
    expect(Object.keys(page.body)).toEqual(['start', 'limit', 'total', 'resource_servers']);
    expect(page.body).toEqual({ start: 2, limit: 2, total: all.length, resource_servers: all.slice(2, 4).map((a) => ({ identifier: a.identifier })) });
    const one = await call('resource-servers-list', { scopes: ALL, query: { identifiers: all[1]!.identifier } });
    expect(one.body.map((a: { identifier: string }) => a.identifier)).toEqual([all[1]!.identifier]);
  });

  it('answers 400 for an overlong id and 404 for odd ones, never a 500', async () => {
    const long = await call('resource-servers-get', { scopes: ALL, params: { id: 'x'.repeat(601) } });
    expect(long.status).toBe(400);
    expect(long.body.errorCode).toBe('invalid_uri');
    for (const id of ['../../etc/passwd', '<script>', '\u202eevil', 'IDENTIFIER#x', '__proto__']) {
      const res = await call('resource-servers-get', { scopes: ALL, params: { id } });
      expect(res.status, id).toBe(404);
    }
  });

  it('refuses an identifier over 600 bytes in UTF-8 (400 naming it); a path id that wide is 404 (204 on DELETE) with no table read', async () => {
    const wide = '一'.repeat(590);
    const created = await call('resource-servers-create', { scopes: ALL, body: { identifier: wide, name: 'Wide' } });
    expect(created.body).toEqual(
      invalidBody(
        `Payload validation error: 'String is too long (1770 bytes in UTF-8), maximum 600 bytes' on property identifier (Unique identifier for the API used as the audience parameter on authorization calls. Can not be changed once set.).`,
      ),
    );
    const notFound = { statusCode: 404, error: 'Not Found', message: 'The resource server does not exist', errorCode: 'inexistent_resource_server' };
    await call('resource-servers-get', { scopes: ALL, params: { id: 'warm-up' } });
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const get = await call('resource-servers-get', { scopes: ALL, params: { id: wide } });
    const patch = await call('resource-servers-update', { scopes: ALL, params: { id: wide }, body: { name: 'x' } });
    const del = await call('resource-servers-delete', { scopes: ALL, params: { id: wide } });
    stop();
    expect(get.body).toEqual(notFound);
    expect(patch.body).toEqual(notFound);
    expect(del.status, del.text).toBe(204);
    expect(seen.flatMap((r) => r.db.commands)).toEqual([]);
    // Exactly 600 bytes is an identifier like any other.
    const edge = `https://${'é'.repeat(296)}`;
    expect(Buffer.byteLength(edge)).toBe(600);
    const made = await call('resource-servers-create', { scopes: ALL, body: { identifier: edge, name: 'Edge' } });
    expect(made.status, made.text).toBe(201);
    expect((await call('resource-servers-get', { scopes: ALL, params: { id: edge } })).body.identifier).toBe(edge);
  });

  it('refuses unknown query parameters and fields', async () => {
    const extra = await call('resource-servers-list', { scopes: ALL, query: { q: 'x' } });
    expect(extra.body).toEqual({ statusCode: 400, error: 'Bad Request', message: "Query validation error: 'Additional properties not allowed: q'.", errorCode: 'invalid_query_string' });
    const field = await call('resource-servers-list', { scopes: ALL, query: { fields: 'id,signing_secret' } });
    expect(field.status).toBe(400);
    const perPage = await call('resource-servers-list', { scopes: ALL, query: { per_page: '1000' } });
    expect(perPage.status).toBe(400);
    const wrong = await call('resource-servers-list', { scopes: ['read:clients'] });
    expect(wrong.body.message).toBe('Insufficient scope, expected any of: read:resource_servers');
  });
});

describe('PATCH /api/v2/resource-servers/{id}', () => {
  it('changes name, scopes and lifetimes, keeping the rest', async () => {
    const api = await createApi({ scopes: [{ value: 'read:orders' }] });
    const res = await call('resource-servers-update', {
      scopes: ['update:resource_servers'],
      params: { id: api.id },
      body: { name: 'Orders API v2', scopes: [{ value: 'read:orders' }, { value: 'write:orders', description: 'Write' }], token_lifetime: 3600 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      ...api, name: 'Orders API v2', scopes: [{ value: 'read:orders' }, { value: 'write:orders', description: 'Write' }], token_lifetime: 3600,
      token_lifetime_for_web: 3600,
    });
    const read = await call('resource-servers-get', { scopes: ALL, params: { id: api.id } });
    expect(read.body).toEqual(res.body);
  });

  it('takes the identifier in place of the id, as GET and DELETE do', async () => {
    const api = await createApi();
    const res = await call('resource-servers-update', { scopes: ALL, params: { id: api.identifier }, body: { name: 'By identifier' } });
    expect(res.body).toMatchObject({ id: api.id, name: 'By identifier' });
    expect((await call('resource-servers-delete', { scopes: ALL, params: { id: api.identifier } })).status).toBe(204);
    expect((await call('resource-servers-get', { scopes: ALL, params: { id: api.id } })).status).toBe(404);
  });

  it('refuses the identifier (immutable), unknown fields, an unknown id, and a web lifetime above the token lifetime', async () => {
    const api = await createApi();
    const identifier = await call('resource-servers-update', { scopes: ALL, params: { id: api.id }, body: { identifier: 'https://other.example.com/' } });
    expect(identifier.body).toEqual(invalidBody("Payload validation error: 'Additional properties not allowed: identifier'."));
    const system = await call('resource-servers-update', { scopes: ALL, params: { id: api.id }, body: { is_system: true } });
    expect(system.body).toEqual(invalidBody("Payload validation error: 'Additional properties not allowed: is_system'."));
    const missing = await call('resource-servers-update', { scopes: ALL, params: { id: 'abcdefabcdefabcdefabcdef' }, body: { name: 'x' } });
    expect(missing.status).toBe(404);
    const web = await call('resource-servers-update', { scopes: ALL, params: { id: api.id }, body: { token_lifetime_for_web: 90_000 } });
    expect(web.body.message).toBe("Payload validation error: 'token_lifetime_for_web (90000) must be less than or equal to token_lifetime (86400)' on property token_lifetime_for_web.");
  });

  it('never changes or deletes the Management API', async () => {
    const forbidden = (action: string) => ({
      statusCode: 403, error: 'Forbidden', message: `The Auth0 Management API is a system API and cannot be ${action}.`, errorCode: 'operation_not_allowed',
    });
    const system = (await call('resource-servers-get', { scopes: ALL, params: { id: managementAudience } })).body;
    const update = await call('resource-servers-update', { scopes: ALL, params: { id: system.id }, body: { name: 'Renamed' } });
    expect(update.body).toEqual(forbidden('changed'));
    const byIdentifier = await call('resource-servers-delete', { scopes: ALL, params: { id: managementAudience } });
    expect(byIdentifier.body).toEqual(forbidden('deleted'));
    const del = await call('resource-servers-delete', { scopes: ALL, params: { id: system.id } });
    expect(del.body).toEqual(forbidden('deleted'));
    expect((await call('resource-servers-get', { scopes: ALL, params: { id: system.id } })).body).toEqual(system);
  });
});

describe('DELETE /api/v2/resource-servers/{id}', () => {
  it("deletes the API with its client grants; a repeat is a 204; the identifier is free again", async () => {
    const api = await createApi({ scopes: [{ value: 'read:orders' }] });
    const { client } = await createClient({ name: 'Orders worker', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const grant = await call('client-grants-create', { scopes: GRANTS, body: { client_id: client.client_id, audience: api.identifier, scope: ['read:orders'] } });
    expect(grant.status, grant.text).toBe(201);

    const res = await call('resource-servers-delete', { scopes: ['delete:resource_servers'], params: { id: api.id } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call('resource-servers-get', { scopes: ALL, params: { id: api.id } })).status).toBe(404);
    expect((await call('client-grants-get', { scopes: GRANTS, params: { id: grant.body.id } })).status).toBe(404);
    expect((await call('client-grants-list', { scopes: GRANTS, query: { audience: api.identifier } })).body).toEqual([]);
    expect((await call('resource-servers-delete', { scopes: ALL, params: { id: api.id } })).status).toBe(204);

    const again = await call('resource-servers-create', { scopes: ALL, body: { identifier: api.identifier } });
    expect(again.status).toBe(201);
  });

  it('deletes an API with more grants than one transaction holds', async () => {
    const api = await createApi({ scopes: [{ value: 'read:orders' }] });
    const clients = await Promise.all(
      Array.from({ length: 60 }, (_, i) => createClient({ name: `worker ${i}`, app_type: 'non_interactive', grant_types: ['client_credentials'] })),
    );
    // Six at a time: grants for one API meet on its revision, and the losers retry.
    for (let i = 0; i < clients.length; i += 6) {
      const made = await Promise.all(
        clients.slice(i, i + 6).map(({ client }) =>
          call('client-grants-create', { scopes: GRANTS, body: { client_id: client.client_id, audience: api.identifier, scope: [] } }),
        ),
      );
      expect(made.map((r) => r.status)).toEqual(made.map(() => 201));
    }
    expect((await call('client-grants-list', { scopes: GRANTS, query: { audience: api.identifier } })).body).toHaveLength(60);
    expect((await call('resource-servers-delete', { scopes: ALL, params: { id: api.id } })).status).toBe(204);
    expect((await call('client-grants-list', { scopes: GRANTS, query: { audience: api.identifier } })).body).toEqual([]);
  });
});
