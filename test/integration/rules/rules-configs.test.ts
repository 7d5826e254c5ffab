import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';

const ALL = ['read:rules_configs', 'update:rules_configs', 'delete:rules_configs'];

describe('/api/v2/rules-configs', () => {
  it('sets a value (200 {key, value}), lists keys only, and deletes (204)', async () => {
    const put = await call('rules-configs-put', { scopes: ['update:rules_configs'], params: { key: 'API_KEY' }, body: { value: 's3cr3t' } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ key: 'API_KEY', value: 's3cr3t' });
    await call('rules-configs-put', { scopes: ALL, params: { key: 'a-b_c@d*e+f:g' }, body: { value: 'other' } });

    const list = await call('rules-configs-list', { scopes: ['read:rules_configs'] });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ key: 'API_KEY' }, { key: 'a-b_c@d*e+f:g' }]);
    expect(list.text).not.toContain('s3cr3t');

    const del = await call('rules-configs-delete', { scopes: ['delete:rules_configs'], params: { key: 'API_KEY' } });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call('rules-configs-list', { scopes: ALL })).body).toEqual([{ key: 'a-b_c@d*e+f:g' }]);
    expect((await call('rules-configs-delete', { scopes: ALL, params: { key: 'API_KEY' } })).status).toBe(204);
  });

  it('overwrites a value set twice', async () => {
    await call('rules-configs-put', { scopes: ALL, params: { key: 'twice' }, body: { value: 'one' } });
    const res = await call('rules-configs-put', { scopes: ALL, params: { key: 'twice' }, body: { value: 'two' } });
    expect(res.body).toEqual({ key: 'twice', value: 'two' });
    expect((await call('rules-configs-list', { scopes: ALL })).body.filter((c: { key: string }) => c.key === 'twice')).toHaveLength(1);
  });

  it("refuses keys outside Auth0's pattern or longer than 127 characters", async () => {
    const bad = await call('rules-configs-put', { scopes: ALL, params: { key: 'has space' }, body: { value: 'v' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_uri',
      message: "Path validation error: 'String does not match pattern ^[A-Za-z0-9_\\-@*+:]*$: has space' on property key (Key of the rules config variable to set (max length: 127 characters)).",
    });
    const long = await call('rules-configs-put', { scopes: ALL, params: { key: 'k'.repeat(128) }, body: { value: 'v' } });
    expect(long.status).toBe(400);
    expect(long.body.message).toBe(
      "Path validation error: 'String is too long (128 chars), maximum 127' on property key (Key of the rules config variable to set (max length: 127 characters)).",
    );
    expect((await call('rules-configs-put', { scopes: ALL, params: { key: 'k'.repeat(127) }, body: { value: 'v' } })).status).toBe(200);
  });

  it('refuses a body without a string value', async () => {
    const missing = await call('rules-configs-put', { scopes: ALL, params: { key: 'k1' }, body: {} });
    expect(missing.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: "Payload validation error: 'Missing required property: value'.", errorCode: 'invalid_body',
    });
    const number = await call('rules-configs-put', { scopes: ALL, params: { key: 'k1' }, body: { value: 1 } });
    expect(number.body.message).toBe(
      "Payload validation error: 'Expected type string but found type integer' on property value (Value for a rules config variable).",
    );
  });

  it('checks each route\'s scope', async () => {
    const list = await call('rules-configs-list', { scopes: ['read:rules'] });
    expect(list.status).toBe(403);
    expect(list.body.message).toBe('Insufficient scope, expected any of: read:rules_configs');
    expect((await call('rules-configs-put', { scopes: ['read:rules_configs'], params: { key: 'k' }, body: { value: 'v' } })).status).toBe(403);
    expect((await call('rules-configs-delete', { scopes: ['update:rules_configs'], params: { key: 'k' } })).status).toBe(403);
    expect((await call('rules-configs-list', {})).status).toBe(401);
  });
});
