import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { CONNECTION } from '#test/support/users';

/** /api/v2/clients: create, get, PATCH, DELETE and rotate-secret, as Auth0 answers them. */

const ALL = ['create:clients', 'read:clients', 'update:clients', 'update:client_keys', 'delete:clients'];
const create = (body: Record<string, unknown>) => call('clients-create', { scopes: ['create:clients'], body });
const get = (id: string, query?: Record<string, string>) => call('clients-get', { scopes: ['read:clients'], params: { id }, query });
const patch = (id: string, body: unknown, scopes = ['update:clients']) => call('clients-update', { scopes, params: { id }, body });
const token = (params: Record<string, string>) =>
  call('oauth-token', { headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify(params) });

const AUTH0_DEFAULTS = {
  is_token_endpoint_ip_header_trusted: false,
  is_first_party: true,
  oidc_conformant: false,
  sso_disabled: false,
  cross_origin_authentication: false,
  refresh_token: {
    rotation_type: 'non-rotating', expiration_type: 'non-expiring', leeway: 0, token_lifetime: 2592000,
    idle_token_lifetime: 1296000, infinite_token_lifetime: true, infinite_idle_token_lifetime: true,
  },
  jwt_configuration: { secret_encoded: false, lifetime_in_seconds: 36000 },
  grant_types: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
  custom_login_page_on: true,
};

describe('POST /api/v2/clients', () => {
  it("creates a client with Auth0's defaults, a 32-character id and its secret, shown this once (201)", async () => {
    const res = await create({ name: 'Test Client', description: 'made by a test' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      ...AUTH0_DEFAULTS,
      name: 'Test Client',
      description: 'made by a test',
      client_id: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
    });
    // Never set: left out (Auth0 omits app_type, callbacks, token_endpoint_auth_method).
    expect(Object.keys(res.body)).not.toContain('app_type');
    const read = await get(res.body.client_id);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('client_secret');
    const { client_secret: _secret, ...withoutSecret } = res.body;
    expect(read.body).toEqual(withoutSecret);
  });

  it('stores every field it accepts and answers them back', async () => {
    const body = {
      name: 'SPA',
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      callbacks: ['https://app.example.com/callback', 'http://localhost:3000/cb', 'com.example.app://callback'],
      allowed_logout_urls: ['https://*.example.com/bye'],
      web_origins: ['https://app.example.com'],
      allowed_origins: ['https://pre-*.example.com'],
      grant_types: ['authorization_code', 'refresh_token'],
      jwt_configuration: { lifetime_in_seconds: 600 },
      refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', token_lifetime: 86400, idle_token_lifetime: 3600 },
      client_metadata: { plan: 'gold', 'x-y': 'z' },
      is_first_party: false,
      logo_uri: 'https://cdn.example.com/logo.png',
    };
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...body,
      jwt_configuration: { secret_encoded: false, lifetime_in_seconds: 600 },
      refresh_token: {
        rotation_type: 'rotating', expiration_type: 'expiring', leeway: 0, token_lifetime: 86400, idle_token_lifetime: 3600,
        infinite_token_lifetime: false, infinite_idle_token_lifetime: false,
      },
    });
    expect((await get(res.body.client_id)).body).toMatchObject(body);
  });

  it("refuses a client_id with Auth0's answer, and unknown fields naming them", async () => {
    expect(await create({ name: 'x', client_id: 'mine' })).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'This operation must be authorized by Auth0', errorCode: 'operation_not_supported' },
    });
    expect((await create({ name: 'x', colour: 'red', tenant: 't' })).body).toEqual({
      statusCode: 400, error: 'Bad Request', message: "Payload validation error: 'Additional properties not allowed: colour,tenant'.", errorCode: 'invalid_body',
    });
    expect((await create({})).body.message).toBe("Payload validation error: 'Missing required property: name'.");
  });

  it('refuses bad values with a 400 naming the property', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: '<script>alert(1)</script>' }, /on property name/],
      [{ name: 'x'.repeat(257) }, /String is too long \(257 chars\), maximum 256' on property name/],
      [{ name: 'a', description: 'd'.repeat(141) }, /maximum 140' on property description/],
      [{ name: 'a', app_type: 'box' }, /No enum match for: "box"' on property app_type/],
      [{ name: 'a', token_endpoint_auth_method: 'private_key_jwt' }, /on property token_endpoint_auth_method/],
      [{ name: 'a', grant_types: ['http://auth0.com/oauth/legacy/grant-type/ro'] }, /Invalid grant types: http:\/\/auth0.com\/oauth\/legacy\/grant-type\/ro' on property grant_types/],
      [{ name: 'a', grant_types: ['password', 'implicit', 'implicit'] }, /Array items are not unique \(indexes 1 and 2\)' on property grant_types/],
      [{ name: 'a', callbacks: 'https://a.example.com' }, /Expected type array but found type string' on property callbacks/],
      [{ name: 'a', callbacks: ['not a url'] }, /on property callbacks\[0\]/],
      [{ name: 'a', callbacks: ['javascript:alert(1)'] }, /The scheme javascript: is not allowed/],
      [{ name: 'a', web_origins: Array.from({ length: 101 }, (_, i) => `https://o${i}.example.com`) }, /Array is too long \(101\), maximum 100' on property web_origins/],
      [{ name: 'a', web_origins: ['https://app.example.com/path'] }, /An origin must not contain a path, query or fragment/],
      [{ name: 'a', jwt_configuration: { lifetime_in_seconds: 0 } }, /on property jwt_configuration.lifetime_in_seconds/],
      [{ name: 'a', jwt_configuration: { alg: 'HS256' } }, /alg "HS256" is not supported/],
      [{ name: 'a', refresh_token: { token_lifetime: 31557601 } }, /on property refresh_token.token_lifetime/],
      [{ name: 'a', refresh_token: { policies: [] } }, /Additional properties not allowed: policies/],
      [{ name: 'a', refresh_token: { expiration_type: 'expiring', token_lifetime: 60, idle_token_lifetime: 120 } }, /idle_token_lifetime must not be greater than token_lifetime/],
      [{ name: 'a', client_metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }, /Too many properties defined \(11\), maximum 10' on property client_metadata/],
      [{ name: 'a', client_metadata: { k: 'v'.repeat(256) } }, /maximum 255' on property client_metadata.k/],
      [{ name: 'a', client_metadata: { k: 1 } }, /on property client_metadata.k/],
      [{ name: 'a', client_metadata: JSON.parse('{"__proto__": "x"}') }, /Property names __proto__, constructor, prototype are not allowed/],
      [{ name: 'a', client_metadata: { 'bad{key}': 'v' } }, /on property client_metadata/],
      [{ name: 'a', logo_uri: 'ftp://x.example.com/logo.png' }, /logo_uri must be an http or https URL/],
      [{ name: 'a', client_secret: 'x'.repeat(40) }, /set a custom one with PATCH/],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.errorCode).toBe('invalid_body');
      expect(res.body.message).toMatch(message);
    }
  });

  it('refuses an oversized body (413) and one that is not JSON (400)', async () => {
    const huge = await create({ name: 'big', client_metadata: { k: 'v' }, description: 'x'.repeat(1024 * 1024) });
    expect(huge.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Payload content length greater than maximum allowed: 1048576', errorCode: 'payload_too_large' });
    const notJson = await call('clients-create', { scopes: ['create:clients'], rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errorCode).toBe('invalid_body');
  });

  it('keeps odd unicode in names as given', async () => {
    const name = 'Ünïcødé 🚀 app ‮';
    const res = await create({ name });
    expect(res.status).toBe(201);
    expect((await get(res.body.client_id)).body.name).toBe(name);
  });

  it('answers 401 without a token and 403 with the wrong scope', async () => {
    const none = await call('clients-create', { body: { name: 'a' } });
    expect(none.status).toBe(401);
    const wrong = await call('clients-create', { scopes: ['read:clients'], body: { name: 'a' } });
    expect(wrong.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:clients', errorCode: 'insufficient_scope' });
    expect((await call('clients-list', { scopes: ['create:clients'] })).body.message).toBe(
      'Insufficient scope, expected any of: read:clients,read:client_keys,read:client_credentials,read:client_summary',
    );
  });
});

describe('GET /api/v2/clients/{id}', () => {
  it('answers 404 inexistent_client for an unknown id and 400 for a malformed one', async () => {
    expect((await get('A'.repeat(32))).body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The client does not exist', errorCode: 'inexistent_client' });
    expect((await get('../etc')).status).toBe(400);
    expect((await get('x'.repeat(129))).status).toBe(400);
  });

  it('projects fields, and read:client_summary sees the summary only', async () => {
    const { body } = await create({ name: 'Projected', app_type: 'regular_web', description: 'd', callbacks: ['https://a.example.com/cb'] });
    expect((await get(body.client_id, { fields: 'name,callbacks' })).body).toEqual({ name: 'Projected', callbacks: ['https://a.example.com/cb'] });
    const excluded = (await get(body.client_id, { fields: 'callbacks', include_fields: 'false' })).body;
    expect(excluded).not.toHaveProperty('callbacks');
    expect(excluded.name).toBe('Projected');
    expect((await get(body.client_id, { fields: 'name,password' })).status).toBe(400);
    const summary = await call('clients-get', { scopes: ['read:client_summary'], params: { id: body.client_id } });
    expect(summary.body).toEqual({ client_id: body.client_id, app_type: 'regular_web', name: 'Projected', description: 'd' });
  });
});

describe('PATCH /api/v2/clients/{id}', () => {
  it('changes what it names and keeps the rest; metadata merges and null deletes a key', async () => {
    const { body } = await create({ name: 'Before', callbacks: ['https://a.example.com/cb'], client_metadata: { a: '1', b: '2' } });
    const res = await patch(body.client_id, { name: 'After', client_metadata: { b: null, c: '3' }, jwt_configuration: { lifetime_in_seconds: 120 }, description: 'now' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'After', description: 'now', callbacks: ['https://a.example.com/cb'], client_metadata: { a: '1', c: '3' },
      jwt_configuration: { secret_encoded: false, lifetime_in_seconds: 120 },
    });
    expect(res.body).not.toHaveProperty('client_secret');
    expect((await get(body.client_id)).body).toEqual(res.body);
  });

  it('refuses read-only and unknown fields with a 400 naming them, and answers 404 for an unknown client', async () => {
    const { body } = await create({ name: 'Read-only' });
    for (const field of ['client_id', 'signing_keys', 'global', 'tenant', 'callback_url_template', 'jwks_uri']) {
      const res = await patch(body.client_id, { [field]: 'x' });
      expect(res.body.message).toBe(`Payload validation error: 'Additional properties not allowed: ${field}'.`);
    }
    expect((await patch(body.client_id, { jwt_configuration: { secret_encoded: true } })).body.message).toBe(
      "Payload validation error: 'Additional properties not allowed: secret_encoded'.",
    );
    expect((await patch('B'.repeat(32), { name: 'x' })).status).toBe(404);
    expect((await patch(body.client_id, [1, 2])).status).toBe(400);
  });

  it('sets a custom secret only with update:client_keys, answering it once; the old one stops working', async () => {
    const { body } = await create({ name: 'Custom secret', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const custom = `custom-${'s'.repeat(40)}`;
    expect(await patch(body.client_id, { client_secret: custom })).toMatchObject({
      status: 403, body: { message: 'Insufficient scope, expected any of: update:client_keys' },
    });
    expect((await patch(body.client_id, { client_secret: 'short' }, ['update:client_keys'])).status).toBe(400);
    const res = await patch(body.client_id, { client_secret: custom }, ['update:client_keys']);
    expect(res.status).toBe(200);
    expect(res.body.client_secret).toBe(custom);
    expect((await get(body.client_id)).body).not.toHaveProperty('client_secret');
    const old = await token({ grant_type: 'client_credentials', client_id: body.client_id, client_secret: body.client_secret, audience: 'https://tenant.example.test/api/v2/' });
    expect(old.status).toBe(401);
  });
});

describe('POST /api/v2/clients/{id}/rotate-secret', () => {
  it('answers the full client with a new secret; the old secret is refused at once', async () => {
    const { body } = await create({ name: 'Rotating', app_type: 'regular_web', grant_types: ['password'] });
    const login = (secret: string) =>
      token({ grant_type: 'password', client_id: body.client_id, client_secret: secret, username: 'nobody@example.com', password: 'x' });
    // Before: the secret authenticates (the wrong user is refused later, with 403).
    expect((await login(body.client_secret)).status).toBe(403);
    const res = await call('clients-rotate-secret', { scopes: ['update:client_keys'], params: { id: body.client_id } });
    expect(res.status).toBe(200);
    const { client_secret, ...rest } = res.body;
    expect(client_secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(client_secret).not.toBe(body.client_secret);
    expect(rest).toEqual((await get(body.client_id)).body);
    expect(await login(body.client_secret)).toMatchObject({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
    expect((await login(client_secret)).status).toBe(403);
    expect((await call('clients-rotate-secret', { scopes: ['update:clients'], params: { id: body.client_id } })).status).toBe(403);
    expect((await call('clients-rotate-secret', { scopes: ['update:client_keys'], params: { id: 'C'.repeat(32) } })).status).toBe(404);
  });
});

describe('DELETE /api/v2/clients/{id}', () => {
  it('deletes the client with its grants and off every connection (204), and 204 again on a repeat', async () => {
    const { body } = await create({ name: 'Doomed', app_type: 'non_interactive' });
    const api = await call('resource-servers-create', { scopes: ['create:resource_servers'], body: { identifier: `https://doomed-${body.client_id}.example.com`, scopes: [{ value: 'read:x' }] } });
    const grant = await call('client-grants-create', { scopes: ['create:client_grants'], body: { client_id: body.client_id, audience: api.body.identifier, scope: ['read:x'] } });
    expect(grant.status).toBe(201);
    const connections = await call('connections-list', { scopes: ['read:connections'], query: { name: CONNECTION } });
    const connectionId = connections.body[0].id as string;
    const enabled = async () => (await call('connections-clients-get', { scopes: ['read:connections'], params: { id: connectionId }, query: { take: '100' } })).body.clients as { client_id: string }[];
    expect(await enabled()).toContainEqual({ client_id: body.client_id });

    const res = await call('clients-delete', { scopes: ['delete:clients'], params: { id: body.client_id } });
    expect(res).toMatchObject({ status: 204, text: '' });
    expect((await get(body.client_id)).status).toBe(404);
    expect((await call('client-grants-get', { scopes: ['read:client_grants'], params: { id: grant.body.id } })).status).toBe(404);
    expect(await enabled()).not.toContainEqual({ client_id: body.client_id });
    expect((await call('clients-delete', { scopes: ['delete:clients'], params: { id: body.client_id } })).status).toBe(204);
    expect((await call('clients-delete', { scopes: ALL.filter((s) => s !== 'delete:clients'), params: { id: body.client_id } })).status).toBe(403);
  });
});
