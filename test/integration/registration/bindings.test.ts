import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { loadLoginExtensions, loadRegistrationExtensions } from '#shared/sandbox/load';

/**
 * Issue 11: actions bind to pre-user-registration through the Actions API, as on Auth0 (current
 * trigger version v2), with post-login's rules: deployed, made for the trigger, kept while bound.
 * Logins and signups load their own trigger's actions only.
 */
const ALL = ['create:actions', 'read:actions', 'update:actions', 'delete:actions'];
const PRE = 'pre-user-registration';
const CODE = 'exports.onExecutePreUserRegistration = async (event, api) => {};';
let n = 0;

async function createAction(body: Record<string, unknown> = {}) {
  n += 1;
  const res = await call('actions-create', {
    scopes: ALL,
    body: { name: `pre-reg-binding-${n}-${Date.now()}`, supported_triggers: [{ id: PRE }], code: CODE, deploy: true, ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, any> & { id: string; name: string };
}

const bind = (bindings: unknown[], triggerId = PRE) => call('actions-bindings-update', { scopes: ALL, params: { triggerId }, body: { bindings } });
const byId = (value: string) => ({ ref: { type: 'action_id', value } });

describe('/api/v2/actions/triggers/pre-user-registration/bindings', () => {
  it("gives a new action the trigger's current version, v2", async () => {
    const action = await createAction();
    expect(action.supported_triggers).toEqual([{ id: PRE, version: 'v2' }]);
    const v1 = await createAction({ supported_triggers: [{ id: PRE, version: 'v1' }] });
    expect(v1.supported_triggers).toEqual([{ id: PRE, version: 'v1' }]);
  });

  it('binds deployed pre-user-registration actions in order, reads them back, and unbinds', async () => {
    const [a, b] = [await createAction(), await createAction()];
    const res = await bind([byId(a.id), { ref: { type: 'action_name', value: b.name }, display_name: 'Second' }]);
    expect(res.status, res.text).toBe(200);
    expect(res.body.bindings.map((x: any) => [x.trigger_id, x.action.id, x.display_name])).toEqual([
      [PRE, a.id, a.name],
      [PRE, b.id, 'Second'],
    ]);
    const read = await call('actions-bindings-get', { scopes: ['read:actions'], params: { triggerId: PRE } });
    expect(read.body).toMatchObject({ total: 2, per_page: 20 });
    expect(read.body.bindings.map((x: any) => x.action.id)).toEqual([a.id, b.id]);
    expect((await bind([])).body).toEqual({ bindings: [] });
  });

  it('refuses a post-login action, and a pre-user-registration action on post-login, in Auth0 words', async () => {
    const postLogin = await createAction({ supported_triggers: [{ id: 'post-login' }], code: 'exports.onExecutePostLogin = async () => {};' });
    const refused = await bind([byId(postLogin.id)]);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('Trying to create a binding between an incompatible action and trigger.');
    const pre = await createAction();
    expect((await bind([byId(pre.id)], 'post-login')).body.message).toBe('Trying to create a binding between an incompatible action and trigger.');
  });

  it('keeps a bound action from being deleted (unless forced, which unbinds it) or leaving the trigger', async () => {
    const action = await createAction();
    await bind([byId(action.id)]);
    const moved = await call('actions-update', { scopes: ALL, params: { id: action.id }, body: { supported_triggers: [{ id: 'post-login' }] } });
    expect(moved.status).toBe(400);
    expect(moved.body.message).toBe("can't upgrade to this trigger.");
    const refused = await call('actions-delete', { scopes: ALL, params: { id: action.id } });
    expect(refused.status).toBe(409);
    const forced = await call('actions-delete', { scopes: ALL, params: { id: action.id }, query: { force: 'true' } });
    expect(forced.status).toBe(204);
    const read = await call('actions-bindings-get', { scopes: ALL, params: { triggerId: PRE } });
    expect(read.body.bindings).toEqual([]);
  });

  it('loads signup actions apart from login actions', async () => {
    const pre = await createAction({ secrets: [{ name: 'K', value: 'v' }] });
    const post = await createAction({ supported_triggers: [{ id: 'post-login' }], code: 'exports.onExecutePostLogin = async () => {};' });
    await bind([byId(pre.id)]);
    await bind([byId(post.id)], 'post-login');
    expect((await loadRegistrationExtensions()).actions).toEqual([{ id: pre.id, name: pre.name, code: CODE, secrets: { K: 'v' } }]);
    expect((await loadLoginExtensions()).actions.map((a) => a.id)).toEqual([post.id]);
    await bind([]);
    await bind([], 'post-login');
    expect((await loadRegistrationExtensions()).actions).toEqual([]);
  });

  it('answers 401 without a token and 403 without the scope', async () => {
    const noToken = await call('actions-bindings-update', { params: { triggerId: PRE }, body: { bindings: [] } });
    expect(noToken.status).toBe(401);
    const wrong = await call('actions-bindings-update', { scopes: ['read:actions'], params: { triggerId: PRE }, body: { bindings: [] } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toBe('Insufficient scope, expected any of: update:actions');
  });
});
