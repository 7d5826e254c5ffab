import { expect } from 'vitest';
import { call } from '#test/support/api';

/** Binding pre-user-registration actions through the Management API, as a tenant does. */
const ACTIONS = ['create:actions', 'read:actions', 'update:actions', 'delete:actions'];
let made = 0;

/** Creates and deploys an action for the trigger from its handler's body; answers its id. */
export async function deployAction(body: string, secrets: { name: string; value: string }[] = []): Promise<string> {
  made += 1;
  const res = await call('actions-create', {
    scopes: ACTIONS,
    body: {
      name: `pre-registration-${made}-${Date.now()}`,
      supported_triggers: [{ id: 'pre-user-registration' }],
      code: `exports.onExecutePreUserRegistration = async (event, api) => { ${body} };`,
      secrets,
      deploy: true,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

/** Replaces the trigger's bindings with these actions, in order (none: unbinds all). */
export async function bindRegistration(actionIds: string[]): Promise<void> {
  const res = await call('actions-bindings-update', {
    scopes: ACTIONS,
    params: { triggerId: 'pre-user-registration' },
    body: { bindings: actionIds.map((value) => ({ ref: { type: 'action_id', value } })) },
  });
  expect(res.status, res.text).toBe(200);
}

/** Deploys one action and makes it the only one bound. */
export async function bindOnly(body: string, secrets?: { name: string; value: string }[]): Promise<string> {
  const id = await deployAction(body, secrets);
  await bindRegistration([id]);
  return id;
}

export async function usersWithEmail(email: string): Promise<unknown[]> {
  const res = await call('users-by-email', { query: { email }, scopes: ['read:users'] });
  expect(res.status).toBe(200);
  return res.body as unknown[];
}
