import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { queryAll } from '#shared/db/query-all';
import { attributeIs } from '#shared/db/items';
import { batchGetItems } from '#shared/db/batch-get';
import { conflictedWithAnother, failedConditions, isTransactionCanceled } from '#shared/db/transactions';
import { actionKey, actionVersionKey, EXTENSIONS_PK, extensionsGenerationKey, ruleKey, rulesConfigKey, type Key } from '#shared/db/keys';
import { WriteConflictError } from '#shared/db/errors';

/**
 * What the rules and actions repositories share. Rules, rules-configs, actions, action versions
 * and trigger bindings all sit in the EXTENSIONS partition, so a login reads them with one Query;
 * rules-repo.ts, actions-repo.ts and extensions-repo.ts (the login Query) are the only code that
 * touches them. Each item carries a `kind`; writers that can meet carry a `revision`, and a write
 * that finds another revision (or a cancelled transaction) throws WriteConflictError, which the
 * domain retries (shared/management/rules/retry-stale.ts). Every write a login can see also bumps the generation
 * item in its transaction (`bumpGeneration`), which is how warm functions learn of it.
 */
export type Kind = 'rule' | 'rule_name' | 'rules_config' | 'action' | 'action_version' | 'trigger_bindings' | 'generation';

/** Sort-key prefixes, taken from the key shapes so they cannot drift from keys.ts. */
export const RULES = ruleKey('').sk;
export const CONFIGS = rulesConfigKey('').sk;
export const ACTIONS = actionKey('').sk;
export const versionsOf = (actionId: string) => actionVersionKey(actionId, '').sk;
/** `ACTION_VERSION#`: the prefix of every action's versions (the key shape with both parts empty, less its separator). */
export const ALL_VERSIONS = actionVersionKey('', '').sk.slice(0, -1);

/**
 * The transaction item that tells warm functions a write changed what logins run. Put last in
 * a transaction, so the cancellation reasons of the items before it keep their positions.
 */
export const bumpGeneration = () => ({
  Update: {
    TableName: tableName,
    Key: extensionsGenerationKey,
    UpdateExpression: 'ADD #generation :one SET #kind = :kind',
    ExpressionAttributeNames: { '#generation': 'generation', '#kind': 'kind' },
    ExpressionAttributeValues: { ':one': 1, ':kind': 'generation' satisfies Kind },
  },
});

export const item = (key: Key, kind: Kind, record: object) => ({ ...key, kind, ...record });

export function fromItem<T>(raw: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = raw;
  return rest as T;
}

/** Which items of a cancelled transaction failed their condition; a conflict with another transaction counts as stale. */
export function cancellation(error: unknown): boolean[] {
  if (conflictedWithAnother(error)) throw new WriteConflictError();
  return failedConditions(error);
}

/** Management reads are strongly consistent: a client reads back at once what it just wrote. */
export const withPrefix = (prefix: string) =>
  queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': EXTENSIONS_PK, ':prefix': prefix },
    ConsistentRead: true,
  });

export async function getItem<T>(key: Key): Promise<T | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return out.Item ? fromItem<T>(out.Item) : undefined;
}

export const batchGet = async <T>(keys: Key[]): Promise<T[]> => (await batchGetItems(keys, { consistent: true })).map((raw) => fromItem<T>(raw));

export const revisionIs = (revision: number) => attributeIs('revision', revision);

export const notExists = { ConditionExpression: 'attribute_not_exists(pk)' };

/** A condition on an item read at `revision`, or read as absent. */
export const unchangedSince = (revision: number | undefined) => (revision === undefined ? notExists : revisionIs(revision));

export async function transact(items: object[]): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items as never }));
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    cancellation(error);
    throw new WriteConflictError();
  }
}
