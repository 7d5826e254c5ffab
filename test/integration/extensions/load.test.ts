import { describe, expect, it } from 'vitest';
import { withDbMetrics } from '#shared/db/metrics';
import { loadLoginExtensions } from '#shared/sandbox/load';
import { call } from '#test/support/api';

/**
 * What a login runs, read back through loadLoginExtensions after changes made through the
 * Management API (the integration setup sets EXTENSIONS_CACHE_MS=0, so each load reads afresh).
 */
const RULES = ['create:rules', 'update:rules', 'delete:rules'];
const ACTIONS = ['create:actions', 'update:actions', 'delete:actions'];
const script = (tag: string) => `function (user, context, callback) { /* ${tag} */ callback(null, user, context); }`;
const code = (tag: string) => `exports.onExecutePostLogin = async (event, api) => { /* ${tag} */ };`;

async function created(res: Promise<{ status: number; body: any; text: string }>) {
  const r = await res;
  expect(r.status, r.text).toBeLessThan(300);
  return r.body;
}

describe('loadLoginExtensions', () => {
  it('finds nothing in a new tenant, with one Query', async () => {
    const { result, metrics } = await withDbMetrics(() => loadLoginExtensions());
    expect(result).toEqual({ rules: [], actions: [], configuration: {} });
    expect(metrics.commands).toEqual(['Query']);
  });

  it('runs enabled rules in order, deployed bound actions in binding order, with rules-configs', async () => {
    const late = await created(call('rules-create', { scopes: RULES, body: { name: 'late', script: script('late'), order: 5 } }));
    const early = await created(call('rules-create', { scopes: RULES, body: { name: 'early', script: script('early'), order: 2 } }));
    await created(call('rules-create', { scopes: RULES, body: { name: 'off', script: script('off'), order: 3, enabled: false } }));
    await created(call('rules-configs-put', { scopes: ['update:rules_configs'], params: { key: 'API_URL' }, body: { value: 'https://api.example.com' } }));

    const first = await created(call('actions-create', {
      scopes: ACTIONS,
      body: { name: 'first', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: code('first v1'), secrets: [{ name: 'TOKEN', value: 't1' }], deploy: true },
    }));
    const second = await created(call('actions-create', {
      scopes: ACTIONS, body: { name: 'second', supported_triggers: [{ id: 'post-login' }], code: code('second'), deploy: true },
    }));
    await created(call('actions-create', {
      scopes: ACTIONS, body: { name: 'unbound', supported_triggers: [{ id: 'post-login' }], code: code('unbound'), deploy: true },
    }));
    await created(call('actions-bindings-update', {
      scopes: ACTIONS,
      params: { triggerId: 'post-login' },
      body: { bindings: [{ ref: { type: 'action_name', value: 'second' } }, { ref: { type: 'action_id', value: first.id } }] },
    }));

    // A draft change (code and secret) does not reach logins until it is deployed.
    await created(call('actions-update', { scopes: ACTIONS, params: { id: first.id }, body: { code: code('first v2'), secrets: [{ name: 'TOKEN', value: 't2' }] } }));

    const { result, metrics } = await withDbMetrics(() => loadLoginExtensions());
    expect(metrics.commands).toEqual(['Query']);
    expect(result).toEqual({
      rules: [
        { id: early.id, name: 'early', script: script('early') },
        { id: late.id, name: 'late', script: script('late') },
      ],
      actions: [
        { id: second.id, name: 'second', code: code('second'), secrets: {} },
        { id: first.id, name: 'first', code: code('first v1'), secrets: { TOKEN: 't1' } },
      ],
      configuration: { API_URL: 'https://api.example.com' },
    });

    await created(call('actions-deploy', { scopes: ACTIONS, params: { id: first.id } }));
    await created(call('rules-update', { scopes: RULES, params: { id: late.id }, body: { enabled: false } }));
    const after = await loadLoginExtensions();
    expect(after.rules.map((r) => r.name)).toEqual(['early']);
    expect(after.actions[1]).toEqual({ id: first.id, name: 'first', code: code('first v2'), secrets: { TOKEN: 't2' } });

    await created(call('actions-delete', { scopes: ACTIONS, params: { id: second.id }, query: { force: 'true' } }));
    expect((await loadLoginExtensions()).actions.map((a) => a.name)).toEqual(['first']);
  });

  it('hands out a frozen value, so one login cannot change what the next sees', async () => {
    const loaded = await loadLoginExtensions();
    expect(Object.isFrozen(loaded) && Object.isFrozen(loaded.rules) && Object.isFrozen(loaded.configuration)).toBe(true);
    expect(() => (loaded.rules as unknown[]).push({})).toThrow(TypeError);
  });
});
