import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';

const ALL = ['create:actions', 'read:actions', 'update:actions', 'delete:actions'];
const CODE = 'exports.onExecutePostLogin = async (event, api) => {};';
const POST_LOGIN = [{ id: 'post-login', version: 'v3' }];
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

let counter = 0;
const uniqueName = (prefix = 'action') => `${prefix} ${++counter} ${Math.random().toString(36).slice(2, 8)}`;

async function createAction(body: Record<string, unknown> = {}) {
  const res = await call('actions-create', { scopes: ALL, body: { name: uniqueName(), supported_triggers: POST_LOGIN, code: CODE, ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body as Record<string, any> & { id: string; name: string };
}

describe('POST /api/v2/actions/actions', () => {
  it("creates an action in Auth0's shape; secret values are never returned", async () => {
    const name = uniqueName('created');
    const res = await call('actions-create', {
      scopes: ['create:actions'],
      body: {
        name,
        supported_triggers: POST_LOGIN,
        code: CODE,
        dependencies: [{ name: 'lodash', version: '4.17.21' }],
        secrets: [{ name: 'API_KEY', value: 'hunter2-value' }],
      },
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual([
      'id', 'name', 'supported_triggers', 'created_at', 'updated_at', 'code', 'dependencies', 'runtime', 'status', 'secrets', 'all_changes_deployed',
    ]);
    expect(res.body).toEqual({
      id: UUID,
      name,
      supported_triggers: POST_LOGIN,
      created_at: ISO,
      updated_at: ISO,
      code: CODE,
      dependencies: [{ name: 'lodash', version: '4.17.21' }],
      runtime: 'node22',
      status: 'built',
      secrets: [{ name: 'API_KEY', updated_at: ISO }],
      all_changes_deployed: false,
    });
    expect(res.text).not.toContain('hunter2-value');
  });

  it('defaults the trigger version, the runtime and the code', async () => {
    const action = await createAction({ supported_triggers: [{ id: 'post-login' }], code: undefined, runtime: undefined });
    expect(action).toMatchObject({ supported_triggers: POST_LOGIN, runtime: 'node22', code: '', dependencies: [], secrets: [] });
  });

  it('deploys at creation with deploy: true', async () => {
    const action = await createAction({ deploy: true, secrets: [{ name: 'S', value: 'v' }] });
    expect(action.all_changes_deployed).toBe(true);
    expect(action.deployed_version).toMatchObject({ deployed: true, number: 1, code: CODE, status: 'built', secrets: [{ name: 'S', updated_at: ISO }] });
    expect(action.current_version).toMatchObject({ id: action.deployed_version.id, status: 'BUILT', number: 1 });
  });

  it('refuses a second action with the same name (409)', async () => {
    const first = await createAction();
    const res = await call('actions-create', { scopes: ALL, body: { name: first.name, supported_triggers: POST_LOGIN } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: `An action with the name "${first.name}" already exists.`, errorCode: 'conflict' });
  });

  it("validates the body in Auth0's words", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x' }, "Payload validation error: 'Missing required property: supported_triggers'."],
      [{ name: 'x', supported_triggers: [{ id: 'on-login' }] }, "Payload validation error: 'No enum match for: \"on-login\"' on property supported_triggers[0].id."],
      [{ name: 'x', supported_triggers: [...POST_LOGIN, ...POST_LOGIN] }, "Payload validation error: 'Array is too long (2), maximum 1' on property supported_triggers (The list of triggers that this action supports. At this time, an action can only target a single trigger at a time)."],
      [{ name: 'x', supported_triggers: POST_LOGIN, runtime: 'node8' }, "Payload validation error: 'No enum match for: \"node8\"' on property runtime (The Node runtime. For example: `node22`, defaults to `node22`)."],
      [{ name: 'x', supported_triggers: POST_LOGIN, code: 'x'.repeat(100 * 1024 + 1) }, "Payload validation error: 'Code is larger than 102400 bytes (102401 bytes)' on property code (The source code of the action)."],
      [{ name: 'x', supported_triggers: POST_LOGIN, secrets: [{ name: 'A' }] }, "Payload validation error: 'Missing required property: secrets[0].value'."],
      [{ name: 'x', supported_triggers: POST_LOGIN, secrets: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }, "Payload validation error: 'Duplicate secret name: A' on property secrets[1].name."],
      [{ name: 'x', supported_triggers: POST_LOGIN, secrets: Array.from({ length: 31 }, (_, i) => ({ name: `S${i}`, value: 'v' })) }, "Payload validation error: 'Array is too long (31), maximum 30' on property secrets (The list of secrets that are included in an action or a version of an action)."],
      [{ name: 'x', supported_triggers: POST_LOGIN, status: 'built' }, "Payload validation error: 'Additional properties not allowed: status'."],
    ];
    for (const [body, message] of cases) {
      const res = await call('actions-create', { scopes: ALL, body });
      expect(res.status, message).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message, errorCode: 'invalid_body' });
    }
  });

  it('answers 403 without create:actions', async () => {
    const res = await call('actions-create', { scopes: ['read:actions'], body: { name: 'x', supported_triggers: POST_LOGIN } });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Insufficient scope, expected any of: create:actions');
  });
});

describe('GET /api/v2/actions/actions', () => {
  it('reads one action, and answers 404 for a missing one', async () => {
    const action = await createAction();
    const res = await call('actions-get', { scopes: ['read:actions'], params: { id: action.id } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(action);
    const missing = await call('actions-get', { scopes: ALL, params: { id: '00000000-0000-4000-8000-000000000000' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'That action does not exist.', errorCode: 'inexistent_action' });
  });

  it("lists in Auth0's envelope, filtered by name, trigger and deployment, paged", async () => {
    const listed = await createAction({ name: uniqueName('listed') });
    const byName = await call('actions-list', { scopes: ['read:actions'], query: { actionName: listed.name } });
    expect(byName.status).toBe(200);
    expect(byName.body).toEqual({ actions: [listed], total: 1, per_page: 20 });

    const deployed = await createAction({ deploy: true });
    const onlyDeployed = await call('actions-list', { scopes: ALL, query: { deployed: 'true', per_page: '100' } });
    const ids = onlyDeployed.body.actions.map((a: { id: string }) => a.id);
    expect(ids).toContain(deployed.id);
    expect(ids).not.toContain(listed.id);

    const otherTrigger = await createAction({ supported_triggers: [{ id: 'credentials-exchange', version: 'v2' }] });
    const byTrigger = await call('actions-list', { scopes: ALL, query: { triggerId: 'credentials-exchange' } });
    expect(byTrigger.body.actions.map((a: { id: string }) => a.id)).toEqual([otherTrigger.id]);

    const all = await call('actions-list', { scopes: ALL, query: { per_page: '100' } });
    const second = await call('actions-list', { scopes: ALL, query: { page: '1', per_page: '2' } });
    expect(second.body).toEqual({ actions: all.body.actions.slice(2, 4), total: all.body.total, page: 1, per_page: 2 });
    expect((await call('actions-list', { scopes: ALL, query: { installed: 'true' } })).body).toEqual({ actions: [], total: 0, per_page: 20 });
  });

  it("refuses parameters Auth0's Actions list does not take", async () => {
    const res = await call('actions-list', { scopes: ALL, query: { include_totals: 'true' } });
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: "Query validation error: 'Additional properties not allowed: include_totals'.", errorCode: 'invalid_query_string',
    });
  });

  it('answers 403 without read:actions', async () => {
    expect((await call('actions-list', { scopes: ['create:actions'] })).status).toBe(403);
    expect((await call('actions-get', { scopes: ['update:actions'], params: { id: 'x' } })).status).toBe(403);
  });
});

describe('PATCH /api/v2/actions/actions/{id}', () => {
  it('changes the draft; the secrets list replaces the stored one, a secret sent without value keeps it', async () => {
    const action = await createAction({ secrets: [{ name: 'KEEP', value: 'k' }, { name: 'DROP', value: 'd' }, { name: 'CHANGE', value: 'c' }] });
    const res = await call('actions-update', {
      scopes: ['update:actions'],
      params: { id: action.id },
      body: { code: `${CODE}\n`, secrets: [{ name: 'KEEP' }, { name: 'CHANGE', value: 'c2', updated_at: '2020-01-01T00:00:00.000Z' }, { name: 'NEW', value: 'n' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: action.id, code: `${CODE}\n`, all_changes_deployed: false });
    const secrets = res.body.secrets as { name: string; updated_at: string }[];
    expect(secrets.map((s) => s.name)).toEqual(['KEEP', 'CHANGE', 'NEW']);
    expect(secrets[0]!.updated_at).toBe(action.secrets[0].updated_at);
    expect(secrets[1]!.updated_at >= action.secrets[2].updated_at).toBe(true);
    expect(res.text).not.toMatch(/"value"/);

    const unknown = await call('actions-update', { scopes: ALL, params: { id: action.id }, body: { secrets: [{ name: 'NOPE' }] } });
    expect(unknown.body.message).toBe("Payload validation error: 'Missing required property: secrets[0].value'.");
  });

  it('refuses a name another action has, and answers 404 for a missing action', async () => {
    const [a, b] = [await createAction(), await createAction()];
    const conflict = await call('actions-update', { scopes: ALL, params: { id: a.id }, body: { name: b.name } });
    expect(conflict.status).toBe(409);
    expect((await call('actions-update', { scopes: ALL, params: { id: a.id }, body: { name: a.name } })).status).toBe(200);
    const missing = await call('actions-update', { scopes: ALL, params: { id: '00000000-0000-4000-8000-000000000000' }, body: { code: CODE } });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('That action does not exist.');
  });
});

describe('POST /api/v2/actions/actions/{id}/deploy', () => {
  it('snapshots the draft as a numbered version; a later change leaves the action with undeployed changes', async () => {
    const action = await createAction({ secrets: [{ name: 'TOKEN', value: 'deploy-secret' }] });
    const res = await call('actions-deploy', { scopes: ['create:actions'], params: { id: action.id } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      'code', 'dependencies', 'id', 'action_id', 'deployed', 'number', 'built_at', 'secrets', 'status', 'created_at', 'updated_at', 'runtime',
      'supported_triggers', 'action',
    ]);
    expect(res.body).toEqual({
      code: CODE, dependencies: [], id: UUID, action_id: action.id, deployed: true, number: 1, built_at: ISO,
      secrets: [{ name: 'TOKEN', updated_at: action.secrets[0].updated_at }], status: 'built', created_at: ISO, updated_at: ISO, runtime: 'node22',
      supported_triggers: POST_LOGIN,
      action: { id: action.id, name: action.name, supported_triggers: POST_LOGIN, created_at: action.created_at, updated_at: ISO, all_changes_deployed: true },
    });
    expect(res.text).not.toContain('deploy-secret');

    const read = await call('actions-get', { scopes: ALL, params: { id: action.id } });
    expect(read.body).toMatchObject({
      all_changes_deployed: true,
      current_version: { id: res.body.id, code: CODE, runtime: 'node22', status: 'BUILT', number: 1, build_time: ISO, created_at: ISO, updated_at: ISO },
      deployed_version: { id: res.body.id, deployed: true, number: 1 },
    });

    await call('actions-update', { scopes: ALL, params: { id: action.id }, body: { code: `${CODE} // v2` } });
    const changed = await call('actions-get', { scopes: ALL, params: { id: action.id } });
    expect(changed.body).toMatchObject({ code: `${CODE} // v2`, all_changes_deployed: false, deployed_version: { code: CODE, number: 1 } });

    const again = await call('actions-deploy', { scopes: ALL, params: { id: action.id } });
    expect(again.body).toMatchObject({ number: 2, code: `${CODE} // v2` });
  });

  it('answers 404 for a missing action and 403 without create:actions', async () => {
    expect((await call('actions-deploy', { scopes: ALL, params: { id: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
    expect((await call('actions-deploy', { scopes: ['update:actions'], params: { id: 'x' } })).status).toBe(403);
  });
});

describe('DELETE /api/v2/actions/actions/{id}', () => {
  it('deletes (204), then answers 404 as Auth0 does', async () => {
    const action = await createAction({ deploy: true });
    const res = await call('actions-delete', { scopes: ['delete:actions'], params: { id: action.id } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call('actions-get', { scopes: ALL, params: { id: action.id } })).status).toBe(404);
    const again = await call('actions-delete', { scopes: ALL, params: { id: action.id } });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe('That action does not exist.');
  });

  it('refuses a bound action (409) unless force=true, which unbinds it', async () => {
    const action = await createAction({ deploy: true });
    const bound = await call('actions-bindings-update', {
      scopes: ALL, params: { triggerId: 'post-login' }, body: { bindings: [{ ref: { type: 'action_id', value: action.id } }] },
    });
    expect(bound.status).toBe(200);
    const refused = await call('actions-delete', { scopes: ALL, params: { id: action.id } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'Unable to delete an action bound to a trigger.', errorCode: 'conflict' });
    const forced = await call('actions-delete', { scopes: ALL, params: { id: action.id }, query: { force: 'true' } });
    expect(forced.status).toBe(204);
    const bindings = await call('actions-bindings-get', { scopes: ALL, params: { triggerId: 'post-login' } });
    expect(bindings.body.bindings.map((b: { action: { id: string } }) => b.action.id)).not.toContain(action.id);
  });

  it('answers 403 without delete:actions', async () => {
    expect((await call('actions-delete', { scopes: ['update:actions'], params: { id: 'x' } })).status).toBe(403);
  });
});
