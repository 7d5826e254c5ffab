import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';

/**
 * `cross_origin_loc`: the application's cross-origin verification page (Lock's fallback when the
 * browser blocks third-party cookies). An https URL our page frames with `#origin=…` appended.
 */
const LOC = 'https://app.example.com/cross-origin-verification.html';
const create = (body: Record<string, unknown>, scopes = ['create:clients']) => call('clients-create', { scopes, body: { name: 'Lock app', ...body } });
const patch = (id: string, body: unknown, scopes = ['update:clients']) => call('clients-update', { scopes, params: { id }, body });
const get = (id: string) => call('clients-get', { scopes: ['read:clients'], params: { id } });

describe('cross_origin_loc', () => {
  it('is stored on create, shown by GET (and in fields=), changed and removed (null) by PATCH', async () => {
    const created = await create({ cross_origin_authentication: true, cross_origin_loc: LOC });
    expect(created.status, created.text).toBe(201);
    expect(created.body.cross_origin_loc).toBe(LOC);
    const id = created.body.client_id as string;
    expect((await get(id)).body.cross_origin_loc).toBe(LOC);
    const only = await call('clients-get', { scopes: ['read:clients'], params: { id }, query: { fields: 'cross_origin_loc,cross_origin_authentication' } });
    expect(only.body).toEqual({ cross_origin_authentication: true, cross_origin_loc: LOC });

    const moved = await patch(id, { cross_origin_loc: 'https://app.example.com/co.html' });
    expect(moved.status).toBe(200);
    expect(moved.body.cross_origin_loc).toBe('https://app.example.com/co.html');
    const removed = await patch(id, { cross_origin_loc: null });
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('cross_origin_loc');
    expect(await get(id).then((r) => r.body)).not.toHaveProperty('cross_origin_loc');
  });

  it('is left out when never set (as Auth0 omits unset fields)', async () => {
    const created = await create({});
    expect(created.body).not.toHaveProperty('cross_origin_loc');
  });

  it.each([
    ['http://app.example.com/co.html', 'cross_origin_loc must be an https URL without wildcards or fragment'],
    ['https://*.example.com/co.html', 'cross_origin_loc must be an https URL without wildcards or fragment'],
    ['https://app.example.com/co.html#x', 'cross_origin_loc must be an https URL without wildcards or fragment'],
    ['javascript:alert(1)', 'The scheme javascript: is not allowed'],
    ['not a url', 'URL must not contain whitespace or control characters'],
    ['<script>alert(1)</script>', 'Invalid URL'],
    [`https://app.example.com/${'a'.repeat(1100)}`, 'URL is longer than 1024 characters'],
  ])('refuses %s with a 400 naming the property', async (value, message) => {
    const res = await create({ cross_origin_loc: value });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      errorCode: 'invalid_body',
      message: expect.stringContaining(`on property cross_origin_loc`),
    });
    expect(res.body.message).toContain(message);
  });

  it('refuses a non-string, and needs update:clients (403) and a token (401)', async () => {
    const created = await create({});
    const id = created.body.client_id as string;
    const number = await patch(id, { cross_origin_loc: 42 });
    expect(number.status).toBe(400);
    expect(number.body.message).toContain("'Expected type string but found type integer' on property cross_origin_loc");
    const scope = await patch(id, { cross_origin_loc: LOC }, ['read:clients']);
    expect(scope.status).toBe(403);
    expect(scope.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: update:clients,update:client_keys,update:client_credentials', errorCode: 'insufficient_scope' });
    const anonymous = await call('clients-update', { params: { id }, body: { cross_origin_loc: LOC } });
    expect(anonymous.status).toBe(401);
    expect((await get(id)).body).not.toHaveProperty('cross_origin_loc');
  });
});
