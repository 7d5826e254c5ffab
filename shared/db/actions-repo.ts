import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ActionRecord, ActionVersionRecord, TriggerBindingsRecord } from '#shared/management/actions/model';
import { db, tableName } from '#shared/db/client';
import {
  ACTIONS,
  ALL_VERSIONS,
  batchGet,
  bumpGeneration,
  fromItem,
  getItem,
  item,
  notExists,
  revisionIs,
  transact,
  unchangedSince,
  versionsOf,
  withPrefix,
} from '#shared/db/extensions-items';
import { WriteConflictError } from '#shared/db/errors';
import { isConditionFailed } from '#shared/db/items';
import { actionKey, actionVersionKey, triggerBindingsKey } from '#shared/db/keys';

/**
 * Actions, their deployed versions and trigger bindings in DynamoDB. A deploy, an action's
 * deletion and a bindings change also bump the extensions generation in their transaction (the
 * next login of every warm function sees them); drafts and new actions, which no login runs
 * until they are deployed and bound, do not.
 */
export const listActions = async () => (await withPrefix(ACTIONS)).map((raw) => fromItem<ActionRecord>(raw));

export const listVersions = async () => (await withPrefix(ALL_VERSIONS)).map((raw) => fromItem<ActionVersionRecord>(raw));

export const findAction = (id: string) => getItem<ActionRecord>(actionKey(id));

export const findActions = (ids: readonly string[]) => batchGet<ActionRecord>([...new Set(ids)].map(actionKey));

/** The deployed versions of these actions (those that have one). */
export const findDeployedVersions = (actions: readonly ActionRecord[]) =>
  batchGet<ActionVersionRecord>(
    actions.flatMap((a) => (a.deployed_version_id ? [actionVersionKey(a.id, a.deployed_version_id)] : [])),
  );

export const findVersion = (actionId: string, versionId: string) => getItem<ActionVersionRecord>(actionVersionKey(actionId, versionId));

export const findVersionsOf = async (actionId: string) =>
  (await withPrefix(versionsOf(actionId))).map((raw) => fromItem<ActionVersionRecord>(raw));

const putAction = (action: ActionRecord, condition: object) => ({
  Put: { TableName: tableName, Item: item(actionKey(action.id), 'action', action), ...condition },
});

const putVersion = (version: ActionVersionRecord) => ({
  Put: { TableName: tableName, Item: item(actionVersionKey(version.action_id, version.id), 'action_version', version), ...notExists },
});

/** A guard that the trigger's bindings are still as read (absent, or at a revision). */
export interface BindingsGuard {
  triggerId: string;
  revision: number | undefined;
}

const checkBindings = (guard: BindingsGuard) => ({
  ConditionCheck: { TableName: tableName, Key: triggerBindingsKey(guard.triggerId), ...unchangedSince(guard.revision) },
});

/** A new action, with its first version when it is deployed at creation. */
export const insertAction = (action: ActionRecord, version?: ActionVersionRecord) =>
  transact([putAction(action, notExists), ...(version ? [putVersion(version)] : [])]);

/** Replaces the action read at `revision`; `guard` keeps a binding from appearing meanwhile. */
export async function saveAction(action: ActionRecord, revision: number, guard?: BindingsGuard): Promise<void> {
  if (!guard) {
    try {
      await db.send(new PutCommand({ TableName: tableName, Item: item(actionKey(action.id), 'action', action), ...revisionIs(revision) }));
    } catch (error) {
      if (isConditionFailed(error)) throw new WriteConflictError();
      throw error;
    }
    return;
  }
  await transact([putAction(action, revisionIs(revision)), checkBindings(guard)]);
}

/** A deploy: the new version, the action pointing at it, and the retired versions removed, together. */
export const saveDeploy = (action: ActionRecord, revision: number, version: ActionVersionRecord, retired: readonly string[]) =>
  transact([
    putAction(action, revisionIs(revision)),
    putVersion(version),
    ...retired.map((id) => ({ Delete: { TableName: tableName, Key: actionVersionKey(action.id, id) } })),
    bumpGeneration(),
  ]);

/**
 * Deletes the action read as `action` with its versions. `bindings` is the trigger's record as
 * read: rewritten without the action (`after`), or checked unchanged, so no binding can be
 * created for the action while it goes.
 */
export async function removeAction(
  action: ActionRecord,
  versionIds: readonly string[],
  guard: BindingsGuard,
  after?: TriggerBindingsRecord,
): Promise<void> {
  await transact([
    { Delete: { TableName: tableName, Key: actionKey(action.id), ...revisionIs(action.revision) } },
    ...versionIds.map((id) => ({ Delete: { TableName: tableName, Key: actionVersionKey(action.id, id) } })),
    after
      ? { Put: { TableName: tableName, Item: item(triggerBindingsKey(guard.triggerId), 'trigger_bindings', after), ...unchangedSince(guard.revision) } }
      : checkBindings(guard),
    bumpGeneration(),
  ]);
}

// ------------------------------------------------------------------------------------- bindings

export const findBindings = (triggerId: string) => getItem<TriggerBindingsRecord>(triggerBindingsKey(triggerId));

/**
 * Replaces the trigger's bindings read at `revision` (undefined: there were none). Each bound
 * action must still exist and be deployed when the write applies.
 */
export async function saveBindings(record: TriggerBindingsRecord, revision: number | undefined, actionIds: readonly string[]): Promise<void> {
  await transact([
    { Put: { TableName: tableName, Item: item(triggerBindingsKey(record.trigger_id), 'trigger_bindings', record), ...unchangedSince(revision) } },
    ...[...new Set(actionIds)].map((id) => ({
      ConditionCheck: { TableName: tableName, Key: actionKey(id), ConditionExpression: 'attribute_exists(deployed_version_id)' },
    })),
    bumpGeneration(),
  ]);
}

