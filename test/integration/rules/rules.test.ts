import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';

/** This file's table starts with no rules; tests create their own and read them back. */
const ALL = ['create:rules', 'read:rules', 'update:rules', 'delete:rules'];
const SCRIPT = 'function (user, context, callback) { callback(null, user, context); }';

async function createRule(body: Record<string, unknown>) {
  const res = await call('rules-create', { scopes: ALL, body: { script: SCRIPT, ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; name: string; order: number; enabled: boolean };
}

const listAll = async () => (await call('rules-list', { scopes: ALL })).body as { id: string; name: string; order: number }[];

describe('POST /api/v2/rules', () => {
  it("creates a rule in Auth0's shape, enabled by default, after every existing rule", async () => {
    const first = await call('rules-create', { scopes: ['create:rules'], body: { name: 'first-rule', script: SCRIPT } });
    expect(first.status).toBe(201);
    expect(Object.keys(first.body)).toEqual(['id', 'enabled', 'script', 'name', 'order', 'stage']);
    expect(first.body).toEqual({ id: expect.stringMatching(/^rul_[A-Za-z0-9]{16}$/), enabled: true, script: SCRIPT, name: 'first-rule', order: 1, stage: 'login_success' });

    await createRule({ name: 'far-rule', order: 10 });
    const next = await createRule({ name: 'Next Rule 2', enabled: false });
    expect(next).toMatchObject({ order: 11, enabled: false });
  });

  it('refuses a second rule with the same name or the same order (409)', async () => {
    await createRule({ name: 'unique-name', order: 20 });
    const sameName = await call('rules-create', { scopes: ALL, body: { name: 'unique-name', script: SCRIPT } });
    expect(sameName.status).toBe(409);
    expect(sameName.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'A rule with the same name already exists', errorCode: 'rule_conflict' });
    const sameOrder = await call('rules-create', { scopes: ALL, body: { name: 'other-name', script: SCRIPT, order: 20 } });
    expect(sameOrder.status).toBe(409);
    expect(sameOrder.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'A rule with the same order already exists', errorCode: 'rule_conflict' });
  });

  it("refuses names outside Auth0's pattern, in z-schema's words", async () => {
    for (const name of ['-leading', 'trailing ', 'under_score', 'dot.name', '']) {
      const res = await call('rules-create', { scopes: ALL, body: { name, script: SCRIPT } });
      expect(res.status, name).toBe(400);
      expect(res.body.errorCode).toBe('invalid_body');
    }
    const res = await call('rules-create', { scopes: ALL, body: { name: 'bad_name', script: SCRIPT } });
    expect(res.body.message).toBe(
      "Payload validation error: 'String does not match pattern ^[a-zA-Z0-9]([ \\-a-zA-Z0-9]*[a-zA-Z0-9])?$: bad_name' on property name (Name of this rule).",
    );
  });

  it('refuses missing and unknown properties, a negative order and a script over 100 KB', async () => {
    const missing = await call('rules-create', { scopes: ALL, body: { name: 'no-script' } });
    expect(missing.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: "Payload validation error: 'Missing required property: script'.", errorCode: 'invalid_body',
    });
    const extra = await call('rules-create', { scopes: ALL, body: { name: 'staged', script: SCRIPT, stage: 'login_failure' } });
    expect(extra.body.message).toBe("Payload validation error: 'Additional properties not allowed: stage'.");
    const negative = await call('rules-create', { scopes: ALL, body: { name: 'negative', script: SCRIPT, order: -1 } });
    expect(negative.body.message).toBe(
      "Payload validation error: 'Value -1 is less than minimum 0' on property order (Order that this rule should execute in relative to other rules. Lower-valued rules execute first).",
    );
    const big = await call('rules-create', { scopes: ALL, body: { name: 'big', script: `//${'x'.repeat(100 * 1024)}` } });
    expect(big.status).toBe(400);
    expect(big.body.message).toBe(
      "Payload validation error: 'Script is larger than 102400 bytes (102402 bytes)' on property script (Code to be executed when this rule runs).",
    );
  });

  it('lets exactly one of two concurrent creates claim a name', async () => {
    const results = await Promise.all([1, 2].map(() => call('rules-create', { scopes: ALL, body: { name: 'raced-name', script: SCRIPT } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await listAll()).filter((r) => r.name === 'raced-name')).toHaveLength(1);
  });

  it('answers 403 without create:rules', async () => {
    const res = await call('rules-create', { scopes: ['read:rules'], body: { name: 'nope', script: SCRIPT } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:rules', errorCode: 'insufficient_scope' });
  });
});

describe('GET /api/v2/rules and /api/v2/rules/{id}', () => {
  it('lists every rule in execution order, and filters on enabled', async () => {
    const all = await listAll();
    expect(all.map((r) => r.order)).toEqual([...all.map((r) => r.order)].sort((a, b) => a - b));
    const disabled = await call('rules-list', { scopes: ['read:rules'], query: { enabled: 'false' } });
    expect(disabled.body.every((r: { enabled: boolean }) => !r.enabled)).toBe(true);
    expect(disabled.body.map((r: { name: string }) => r.name)).toContain('Next Rule 2');
  });

  it("pages with include_totals in Auth0's envelope, and projects fields", async () => {
    const all = await listAll();
    const res = await call('rules-list', { scopes: ALL, query: { page: '1', per_page: '2', include_totals: 'true', fields: 'id,order' } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['total', 'start', 'limit', 'rules']);
    expect(res.body).toEqual({ total: all.length, start: 2, limit: 2, rules: all.slice(2, 4).map((r) => ({ id: r.id, order: r.order })) });
    const without = await call('rules-list', { scopes: ALL, query: { fields: 'script', include_fields: 'false' } });
    expect(Object.keys(without.body[0])).toEqual(['id', 'enabled', 'name', 'order', 'stage']);
  });

  it('refuses an unknown field or query parameter', async () => {
    const field = await call('rules-list', { scopes: ALL, query: { fields: 'id,secret' } });
    expect(field.status).toBe(400);
    expect(field.body.message).toBe(
      "Query validation error: 'String 'id,secret' does not match pattern. Must be a comma separated list of the following values: id,enabled,script,name,order,stage' on property fields (Comma-separated list of fields to include or exclude (based on value provided for include_fields) in the result. Leave empty to retrieve all fields).",
    );
    const extra = await call('rules-list', { scopes: ALL, query: { q: 'x' } });
    expect(extra.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: "Query validation error: 'Additional properties not allowed: q'.", errorCode: 'invalid_query_string',
    });
  });

  it('reads one rule, and answers 404 inexistent_rule for a missing one', async () => {
    const rule = await createRule({ name: 'readable' });
    const res = await call('rules-get', { scopes: ['read:rules'], params: { id: rule.id }, query: { fields: 'name' } });
    expect(res.body).toEqual({ name: 'readable' });
    const missing = await call('rules-get', { scopes: ['read:rules'], params: { id: 'rul_0000000000000000' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The rule does not exist', errorCode: 'inexistent_rule' });
  });

  it('answers 403 without read:rules', async () => {
    const res = await call('rules-list', { scopes: ['create:rules'] });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Insufficient scope, expected any of: read:rules');
  });
});

describe('PATCH /api/v2/rules/{id}', () => {
  it('changes order and enabled, and answers the rule', async () => {
    const rule = await createRule({ name: 'patchable', enabled: false });
    const res = await call('rules-update', { scopes: ['update:rules'], params: { id: rule.id }, body: { order: 55, enabled: true } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: rule.id, enabled: true, script: SCRIPT, name: 'patchable', order: 55, stage: 'login_success' });
    expect((await call('rules-get', { scopes: ALL, params: { id: rule.id } })).body).toEqual(res.body);
  });

  it('renames: the old name is free again, a taken one is refused', async () => {
    const rule = await createRule({ name: 'old-name' });
    const taken = await createRule({ name: 'taken-name' });
    const conflict = await call('rules-update', { scopes: ALL, params: { id: rule.id }, body: { name: 'taken-name' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toBe('A rule with the same name already exists');
    const renamed = await call('rules-update', { scopes: ALL, params: { id: rule.id }, body: { name: 'new-name' } });
    expect(renamed.body.name).toBe('new-name');
    const reused = await createRule({ name: 'old-name' });
    expect(reused.name).toBe('old-name');
    const sameOrder = await call('rules-update', { scopes: ALL, params: { id: rule.id }, body: { order: taken.order } });
    expect(sameOrder.status).toBe(409);
    expect(sameOrder.body.message).toBe('A rule with the same order already exists');
    const ownOrder = await call('rules-update', { scopes: ALL, params: { id: rule.id }, body: { order: rule.order } });
    expect(ownOrder.status).toBe(200);
  });

  it('answers 404 for a missing rule', async () => {
    const res = await call('rules-update', { scopes: ALL, params: { id: 'rul_0000000000000000' }, body: { enabled: true } });
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('inexistent_rule');
  });

  it('applies concurrent patches of one rule one after the other', async () => {
    const rule = await createRule({ name: 'contended' });
    const results = await Promise.all([
      call('rules-update', { scopes: ALL, params: { id: rule.id }, body: { enabled: false } }),
      call('rules-update', { scopes: ALL, params: { id: rule.id }, body: { script: `${SCRIPT} ` } }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const after = await call('rules-get', { scopes: ALL, params: { id: rule.id } });
    expect(after.body).toMatchObject({ enabled: false, script: `${SCRIPT} ` });
  });
});

describe('DELETE /api/v2/rules/{id}', () => {
  it('deletes (204, empty body), frees the name, and answers 204 again', async () => {
    const rule = await createRule({ name: 'doomed' });
    const res = await call('rules-delete', { scopes: ['delete:rules'], params: { id: rule.id } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call('rules-get', { scopes: ALL, params: { id: rule.id } })).status).toBe(404);
    expect((await call('rules-delete', { scopes: ALL, params: { id: rule.id } })).status).toBe(204);
    await createRule({ name: 'doomed' });
  });

  it('answers 403 without delete:rules', async () => {
    const res = await call('rules-delete', { scopes: ['update:rules'], params: { id: 'rul_x' } });
    expect(res.status).toBe(403);
  });
});
