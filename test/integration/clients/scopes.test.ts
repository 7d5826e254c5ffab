import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';

/**
 * What each client scope may write and read (Auth0's node SDK notes, fact sheet §1): the key and
 * credential scopes reach the PATCH route, but only update:clients changes the settings; only
 * update:client_keys writes the secret; read:client_credentials sees the summary and credentials.
 */
const create = (body: Record<string, unknown>) => call('clients-create', { scopes: ['create:clients'], body });
const get = (id: string, scopes = ['read:clients']) => call('clients-get', { scopes, params: { id } });
const patch = (id: string, body: unknown, scopes: string[]) => call('clients-update', { scopes, params: { id }, body });
const forbidden = (expected: string) => ({
  status: 403, body: { statusCode: 403, error: 'Forbidden', message: `Insufficient scope, expected any of: ${expected}`, errorCode: 'insufficient_scope' },
});
const SETTINGS = {
  callbacks: ['https://evil.example.com/cb'],
  grant_types: ['client_credentials'],
  token_endpoint_auth_method: 'none',
  app_type: 'non_interactive',
};

describe('PATCH /api/v2/clients/{id} by scope', () => {
  it('update:client_keys alone changes no setting (403, nothing applied) but may set the secret', async () => {
    const { body } = await create({ name: 'Keys only', app_type: 'regular_web', callbacks: ['https://a.example.com/cb'] });
    const before = (await get(body.client_id)).body;
    for (const [field, value] of Object.entries({ ...SETTINGS, name: 'renamed', client_metadata: { a: '1' } })) {
      expect(await patch(body.client_id, { [field]: value }, ['update:client_keys'])).toMatchObject(forbidden('update:clients'));
    }
    expect(await patch(body.client_id, { ...SETTINGS, client_secret: `k-${'s'.repeat(40)}` }, ['update:client_keys'])).toMatchObject(forbidden('update:clients'));
    expect((await get(body.client_id)).body).toEqual(before);

    const res = await patch(body.client_id, { client_secret: `k-${'s'.repeat(40)}` }, ['update:client_keys']);
    expect(res.status).toBe(200);
    expect(res.body.client_secret).toBe(`k-${'s'.repeat(40)}`);
    expect(res.body.callbacks).toEqual(['https://a.example.com/cb']);
  });

  it('update:client_credentials alone changes neither settings nor the secret', async () => {
    const { body } = await create({ name: 'Credentials only', app_type: 'regular_web' });
    const before = (await get(body.client_id)).body;
    expect(await patch(body.client_id, SETTINGS, ['update:client_credentials'])).toMatchObject(forbidden('update:clients'));
    expect(await patch(body.client_id, { client_secret: `c-${'s'.repeat(40)}` }, ['update:client_credentials'])).toMatchObject(forbidden('update:client_keys'));
    expect((await get(body.client_id)).body).toEqual(before);
  });

  it('update:clients changes the settings but not the secret; with update:client_keys, both', async () => {
    const { body } = await create({ name: 'Both', app_type: 'regular_web' });
    expect(await patch(body.client_id, { client_secret: `u-${'s'.repeat(40)}` }, ['update:clients'])).toMatchObject(forbidden('update:client_keys'));
    expect((await patch(body.client_id, { name: 'renamed' }, ['update:clients'])).body.name).toBe('renamed');
    const both = await patch(body.client_id, { name: 'again', client_secret: `u-${'s'.repeat(40)}` }, ['update:clients', 'update:client_keys']);
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ name: 'again', client_secret: `u-${'s'.repeat(40)}` });
  });

  it('a hostile body under a narrow scope is still a 400 (validation before the scope of each field), never a 500', async () => {
    const { body } = await create({ name: 'Hostile' });
    const proto = await call('clients-update', {
      scopes: ['update:client_keys'], params: { id: body.client_id },
      rawBody: '{"__proto__":{"x":1},"client_secret":"<script>alert(1)</script>"}', headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    expect((await patch(body.client_id, { 'n\u0000ame': 'x' }, ['update:client_keys'])).status).toBe(400);
    expect((await call('clients-update', { params: { id: body.client_id }, body: { name: 'x' } })).status).toBe(401);
  });
});

describe('GET /api/v2/clients by read scope', () => {
  it('read:client_credentials sees the summary fields only (no settings, no token_endpoint_auth_method)', async () => {
    const { body } = await create({
      name: 'Read creds', description: 'd', app_type: 'regular_web', callbacks: ['https://a.example.com/cb'], token_endpoint_auth_method: 'client_secret_post',
    });
    const summary = { client_id: body.client_id, app_type: 'regular_web', name: 'Read creds', description: 'd' };
    expect((await get(body.client_id, ['read:client_credentials'])).body).toEqual(summary);
    const listed = (await call('clients-list', { scopes: ['read:client_credentials'] })).body as Record<string, unknown>[];
    expect(listed.find((c) => c.client_id === body.client_id)).toEqual(summary);
    for (const scope of ['read:clients', 'read:client_keys']) {
      expect((await get(body.client_id, [scope])).body).toMatchObject({ callbacks: ['https://a.example.com/cb'], token_endpoint_auth_method: 'client_secret_post' });
    }
  });
});
