import { randomUUID } from 'node:crypto';
import { ActionBoundError, ActionLimitError, ActionNameConflictError, ActionNotFoundError, TriggerChangeError } from '#shared/management/errors';
import type { ActionRecord, ActionTrigger, ActionVersionRecord, StoredSecret } from '#shared/management/actions/model';
import type { CreateActionBody, ListActionsQuery, SecretInput, UpdateActionBody } from '#shared/management/actions/schemas';
import { DEFAULT_RUNTIME, defaultTriggerVersion, isRunnableTrigger, POST_LOGIN } from '#shared/management/actions/triggers';
import * as repo from '#shared/db/actions-repo';
import { retryStale } from '#shared/management/rules/retry-stale';
import { InvalidBodyError } from '#shared/platform/errors';
import { tenantChanged } from '#shared/platform/cache';

/**
 * /api/v2/actions/actions. An action holds a draft; a deploy snapshots the draft (code, secrets
 * and all) as an immutable version, which is what logins (post-login) and signups
 * (pre-user-registration) run once the action is bound. Only the deployed version is kept: nothing
 * here reads older ones.
 */
export const MAX_ACTIONS = 100;

export interface ActionView {
  action: ActionRecord;
  deployed: ActionVersionRecord | undefined;
}

const withVersions = (triggers: readonly { id: string; version?: string | undefined }[]): ActionTrigger[] =>
  triggers.map((t) => ({ id: t.id, version: t.version ?? defaultTriggerVersion(t.id) }));

export const supportsTrigger = (action: Pick<ActionRecord, 'supported_triggers'>, triggerId: string) =>
  action.supported_triggers.some((t) => t.id === triggerId);

/**
 * The trigger whose bindings may hold the action: the runnable one it supports (an action supports
 * one trigger), else post-login's, which then cannot hold it either (so checking it is harmless).
 */
const bindableTrigger = (action: Pick<ActionRecord, 'supported_triggers'>) =>
  action.supported_triggers.find((t) => isRunnableTrigger(t.id))?.id ?? POST_LOGIN;

/**
 * The secrets a request sets. The list replaces the stored one (as on Auth0: a secret left out is
 * removed); an entry without a value keeps the stored value of that name.
 */
function secretsFrom(input: readonly SecretInput[], stored: readonly StoredSecret[], now: string): StoredSecret[] {
  const seen = new Set<string>();
  return input.map((secret, i) => {
    if (seen.has(secret.name)) throw new InvalidBodyError(`'Duplicate secret name: ${secret.name}' on property secrets[${i}].name.`);
    seen.add(secret.name);
    if (secret.value !== undefined) return { name: secret.name, value: secret.value, updated_at: now };
    const kept = stored.find((s) => s.name === secret.name);
    if (!kept) throw new InvalidBodyError(`'Missing required property: secrets[${i}].value'.`);
    return kept;
  });
}

async function assertNameFree(name: string, self?: string): Promise<ActionRecord[]> {
  const actions = await repo.listActions();
  if (actions.some((a) => a.id !== self && a.name === name)) throw new ActionNameConflictError(name);
  return actions;
}

/** The draft's snapshot as version `versions_count + 1`, and the action pointing at it. */
function deploy(action: ActionRecord, now: string): { action: ActionRecord; version: ActionVersionRecord } {
  const version: ActionVersionRecord = {
    id: randomUUID(),
    action_id: action.id,
    action_name: action.name,
    number: action.versions_count + 1,
    code: action.code,
    dependencies: action.dependencies,
    runtime: action.runtime,
    supported_triggers: action.supported_triggers,
    secrets: action.secrets,
    created_at: now,
    built_at: now,
  };
  const deployed = { ...action, deployed_version_id: version.id, versions_count: version.number, all_changes_deployed: true, updated_at: now };
  return { action: deployed, version };
}

export function createAction(body: CreateActionBody): Promise<ActionView> {
  return retryStale(async () => {
    const existing = await assertNameFree(body.name);
    if (existing.length >= MAX_ACTIONS) throw new ActionLimitError(MAX_ACTIONS);
    const now = new Date().toISOString();
    const draft: ActionRecord = {
      id: randomUUID(),
      name: body.name,
      supported_triggers: withVersions(body.supported_triggers),
      code: body.code ?? '',
      dependencies: body.dependencies ?? [],
      runtime: body.runtime ?? DEFAULT_RUNTIME,
      secrets: secretsFrom(body.secrets ?? [], [], now),
      created_at: now,
      updated_at: now,
      all_changes_deployed: false,
      versions_count: 0,
      revision: 1,
    };
    if (!body.deploy) {
      await repo.insertAction(draft);
      return { action: draft, deployed: undefined };
    }
    const { action, version } = deploy(draft, now);
    await repo.insertAction(action, version);
    return { action, deployed: version };
  });
}

export async function getAction(id: string): Promise<ActionView> {
  const action = await repo.findAction(id);
  if (!action) throw new ActionNotFoundError();
  const deployed = action.deployed_version_id ? await repo.findVersion(id, action.deployed_version_id) : undefined;
  return { action, deployed };
}

export interface ActionPage {
  actions: ActionView[];
  total: number;
}

/** Oldest first. No marketplace integrations exist here, so `installed=true` finds nothing. */
export async function listActions(query: ListActionsQuery): Promise<ActionPage> {
  const [actions, versions] = await Promise.all([repo.listActions(), repo.listVersions()]);
  const matching = actions
    .filter((a) => query.triggerId === undefined || a.supported_triggers.some((t) => t.id === query.triggerId))
    .filter((a) => query.actionName === undefined || a.name === query.actionName)
    .filter((a) => query.deployed === undefined || (a.deployed_version_id !== undefined) === query.deployed)
    .filter(() => query.installed !== true)
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
  const start = query.page * query.per_page;
  const page = matching.slice(start, start + query.per_page).map((action) => ({
    action,
    deployed: versions.find((v) => v.action_id === action.id && v.id === action.deployed_version_id),
  }));
  return { actions: page, total: matching.length };
}

/** Any change to the draft leaves it undeployed until the next deploy. */
export function updateAction(id: string, body: UpdateActionBody): Promise<ActionView> {
  return retryStale(async () => {
    const { action: before, deployed } = await getAction(id);
    if (body.name !== undefined && body.name !== before.name) await assertNameFree(body.name, id);
    const now = new Date().toISOString();
    const after: ActionRecord = {
      ...before,
      name: body.name ?? before.name,
      supported_triggers: body.supported_triggers ? withVersions(body.supported_triggers) : before.supported_triggers,
      code: body.code ?? before.code,
      dependencies: body.dependencies ?? before.dependencies,
      runtime: body.runtime ?? before.runtime,
      secrets: body.secrets ? secretsFrom(body.secrets, before.secrets, now) : before.secrets,
      updated_at: now,
      all_changes_deployed: false,
      revision: before.revision + 1,
    };
    const trigger = bindableTrigger(before);
    const leavesTrigger = supportsTrigger(before, trigger) && !supportsTrigger(after, trigger);
    let guard: repo.BindingsGuard | undefined;
    if (leavesTrigger) {
      const bindings = await repo.findBindings(trigger);
      if (bindings?.bindings.some((b) => b.action_id === id)) throw new TriggerChangeError();
      guard = { triggerId: trigger, revision: bindings?.revision };
    }
    await repo.saveAction(after, before.revision, guard);
    return { action: after, deployed };
  });
}

/** POST …/deploy: answers the new version (Auth0 answers 200 with it). */
export function deployAction(id: string): Promise<ActionView & { deployed: ActionVersionRecord }> {
  return retryStale(async () => {
    const before = await repo.findAction(id);
    if (!before) throw new ActionNotFoundError();
    const { action, version } = deploy({ ...before, revision: before.revision + 1 }, new Date().toISOString());
    await repo.saveDeploy(action, before.revision, version, before.deployed_version_id ? [before.deployed_version_id] : []);
    extensionsChanged();
    return { action, deployed: version };
  });
}

/**
 * Logins see a deploy, delete or bindings change through the extensions generation; signups do
 * not read it (sandbox/load.ts), so this process's kept set is dropped here, as for any tenant write.
 */
export const extensionsChanged = (): void => tenantChanged();

/** Refused while bound, unless `force`, which unbinds it in the same transaction. */
export function deleteAction(id: string, force: boolean): Promise<void> {
  return retryStale(async () => {
    const action = await repo.findAction(id);
    if (!action) throw new ActionNotFoundError();
    const trigger = bindableTrigger(action);
    const bindings = await repo.findBindings(trigger);
    const bound = bindings?.bindings.some((b) => b.action_id === id) ?? false;
    if (bound && !force) throw new ActionBoundError();
    const versions = await repo.findVersionsOf(id);
    const guard = { triggerId: trigger, revision: bindings?.revision };
    const after = bindings && bound
      ? {
          ...bindings,
          bindings: bindings.bindings.filter((b) => b.action_id !== id),
          updated_at: new Date().toISOString(),
          revision: bindings.revision + 1,
        }
      : undefined;
    await repo.removeAction(action, versions.map((v) => v.id), guard, after);
    extensionsChanged();
  });
}
