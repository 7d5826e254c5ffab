import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';

const ALL = ['create:actions', 'read:actions', 'update:actions', 'delete:actions'];
const CODE = 'exports.onExecutePostLogin = async (event, api) => {};';
const POST_LOGIN = [{ id: 'post-login', version: 'v3' }];
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);

let counter = 0;
async function createAction(body: Record<string, unknown> = {}) {
  const res = await call('actions-create', {
    scopes: ALL,
    body: { name: `bindable ${++counter}`, supported_triggers: POST_LOGIN, code: CODE, deploy: true, ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, any> & { id: string; name: string };
}

const bind = (bindings: unknown[], triggerId = 'post-login') =>
  call('actions-bindings-update', { scopes: ['update:actions'], params: { triggerId }, body: { bindings } });
const byId = (id: string, display_name?: string) => ({ ref: { type: 'action_id', value: id }, ...(display_name ? { display_name } : {}) });

describe('/api/v2/actions/triggers/post-login/bindings', () => {
  it('starts empty', async () => {
    const res = await call('actions-bindings-get', { scopes: ['read:actions'], params: { triggerId: 'post-login' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ bindings: [], total: 0, per_page: 20 });
  });

  it("binds deployed actions by id and name, in the order given, in Auth0's shape", async () => {
    const [a, b] = [await createAction({ secrets: [{ name: 'K', value: 'binding-secret' }] }), await createAction()];
    const res = await bind([byId(b.id, 'Second'), { ref: { type: 'action_name', value: a.name } }]);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['bindings']);
    const [first, second] = res.body.bindings;
    expect(Object.keys(first)).toEqual(['id', 'trigger_id', 'action', 'created_at', 'updated_at', 'display_name']);
    expect(first).toEqual({
      id: UUID,
      trigger_id: 'post-login',
      action: {
        id: b.id, name: b.name, supported_triggers: POST_LOGIN, created_at: b.created_at, updated_at: b.updated_at,
        current_version: b.current_version, deployed_version: b.deployed_version, all_changes_deployed: true,
      },
      created_at: ISO,
      updated_at: ISO,
      display_name: 'Second',
    });
    expect(second).toMatchObject({ trigger_id: 'post-login', action: { id: a.id }, display_name: a.name });
    expect(res.text).not.toContain('binding-secret');

    const read = await call('actions-bindings-get', { scopes: ALL, params: { triggerId: 'post-login' } });
    expect(read.body).toEqual({ bindings: res.body.bindings, total: 2, per_page: 20 });
    const paged = await call('actions-bindings-get', { scopes: ALL, params: { triggerId: 'post-login' }, query: { page: '1', per_page: '1' } });
    expect(paged.body).toEqual({ bindings: [second], total: 2, page: 1, per_page: 1 });

    // Rebinding keeps each action's binding (id, created_at); binding_id refers to one directly.
    const reordered = await bind([{ ref: { type: 'binding_id', value: second.id } }, byId(b.id)]);
    expect(reordered.body.bindings.map((x: { id: string }) => x.id)).toEqual([second.id, first.id]);
    expect(reordered.body.bindings[1]).toMatchObject({ created_at: first.created_at, display_name: 'Second' });

    const cleared = await bind([]);
    expect(cleared.body).toEqual({ bindings: [] });
  });

  it("refuses an action that is not deployed, or made for another trigger, in Auth0's words", async () => {
    const draft = await createAction({ deploy: false });
    const notDeployed = await bind([byId(draft.id)]);
    expect(notDeployed.status).toBe(400);
    expect(notDeployed.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: 'Trying to create a binding for an action that has not been deployed yet', errorCode: 'invalid_body',
    });
    const other = await createAction({ supported_triggers: [{ id: 'pre-user-registration', version: 'v2' }] });
    const incompatible = await bind([byId(other.id)]);
    expect(incompatible.status).toBe(400);
    expect(incompatible.body.message).toBe('Trying to create a binding between an incompatible action and trigger.');
    const missing = await bind([byId('00000000-0000-4000-8000-000000000000')]);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('That action does not exist.');
  });

  it('refuses more than 20 bindings and malformed refs', async () => {
    const action = await createAction();
    const many = await bind(Array.from({ length: 21 }, () => byId(action.id)));
    expect(many.body.message).toBe(
      "Payload validation error: 'Array is too long (21), maximum 20' on property bindings (The actions that will be bound to this trigger. The order in which they are included will be the order in which they are executed).",
    );
    const badType = await bind([{ ref: { type: 'id', value: action.id } }]);
    expect(badType.body.message).toBe("Payload validation error: 'No enum match for: \"id\"' on property bindings[0].ref.type.");
  });

  it('keeps a bound action from leaving post-login', async () => {
    const action = await createAction();
    await bind([byId(action.id)]);
    const res = await call('actions-update', {
      scopes: ALL, params: { id: action.id }, body: { supported_triggers: [{ id: 'credentials-exchange', version: 'v2' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("can't upgrade to this trigger.");
    await bind([]);
  });

  it('never leaves a binding to a deleted action when a bind and a delete race', async () => {
    for (let round = 0; round < 5; round++) {
      const action = await createAction();
      const [bound, deleted] = await Promise.all([
        bind([byId(action.id)]),
        call('actions-delete', { scopes: ALL, params: { id: action.id } }),
      ]);
      const read = await call('actions-bindings-get', { scopes: ALL, params: { triggerId: 'post-login' } });
      const boundIds = read.body.bindings.map((b: { action: { id: string } }) => b.action.id);
      if (deleted.status === 204) {
        expect(boundIds).not.toContain(action.id);
        expect([404, 409]).toContain(bound.status);
      } else {
        expect([deleted.status, bound.status]).toEqual([409, 200]);
        expect(boundIds).toEqual([action.id]);
      }
      await bind([]);
    }
  });

  it('checks scopes', async () => {
    expect((await call('actions-bindings-get', { scopes: ['update:actions'], params: { triggerId: 'post-login' } })).status).toBe(403);
    const res = await call('actions-bindings-update', { scopes: ['read:actions'], params: { triggerId: 'post-login' }, body: { bindings: [] } });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Insufficient scope, expected any of: update:actions');
  });
});

describe('other triggers', () => {
  it('have no bindings and can get none; unknown trigger ids are refused', async () => {
    const read = await call('actions-bindings-get', { scopes: ALL, params: { triggerId: 'credentials-exchange' } });
    expect(read.body).toEqual({ bindings: [], total: 0, per_page: 20 });
    const action = await createAction({ supported_triggers: [{ id: 'post-user-registration', version: 'v2' }] });
    const refused = await bind([byId(action.id)], 'post-user-registration');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('Only post-login and pre-user-registration actions run on this service; actions cannot be bound to post-user-registration.');
    const unknown = await call('actions-bindings-get', { scopes: ALL, params: { triggerId: 'on-login' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: "Path validation error: 'No enum match for: \"on-login\"' on property triggerId (An actions extensibility point).",
      errorCode: 'invalid_uri',
    });
  });
});
