import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ActionRecord, ActionVersionRecord, TriggerBindingsRecord } from '#shared/actions/model';
import { db, tableName } from '#shared/db/client';
import { isConditionFailed, isTransactionCanceled } from '#shared/db/items';
import {
  actionKey,
  actionVersionKey,
  EXTENSIONS_PK,
  ruleKey,
  ruleNameKey,
  rulesConfigKey,
  triggerBindingsKey,
  type Key,
} from '#shared/db/keys';
import { ExtensionsChangedError, RuleConflictError } from '#shared/rules/errors';
import type { RuleRecord } from '#shared/rules/model';

/**
 * Rules, rules-configs, actions, action versions and trigger bindings: every item sits in the
 * EXTENSIONS partition so a login reads them with one Query. This is the only code that touches
 * them in DynamoDB. Each item carries a `kind`; writers that can meet carry a `revision`, and a
 * write that finds another revision (or a cancelled transaction) throws StaleExtensionError,
 * which the domain retries through `retryStale`.
 */
type Kind = 'rule' | 'rule_name' | 'rules_config' | 'action' | 'action_version' | 'trigger_bindings';

/** Sort-key prefixes, taken from the key shapes so they cannot drift from keys.ts. */
const RULES = ruleKey('').sk;
const CONFIGS = rulesConfigKey('').sk;
const ACTIONS = actionKey('').sk;
const versionsOf = (actionId: string) => actionVersionKey(actionId, '').sk;
/** `ACTION_VERSION#`: the prefix of every action's versions (the key shape with both parts empty, less its separator). */
const ALL_VERSIONS = actionVersionKey('', '').sk.slice(0, -1);

export class StaleExtensionError extends Error {
  constructor() {
    super('A conditional write of an extension item met a newer revision');
  }
}

/** Runs a read-modify-write again when another writer got there first; gives up with a 409 after `attempts`. */
export async function retryStale<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof StaleExtensionError)) throw error;
      if (attempt >= attempts) throw new ExtensionsChangedError();
    }
  }
}

const item = (key: Key, kind: Kind, record: object) => ({ ...key, kind, ...record });

function fromItem<T>(raw: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = raw;
  return rest as T;
}

/** Which items of a cancelled transaction failed their condition; a conflict with another transaction counts as stale. */
function cancellation(error: unknown): boolean[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new StaleExtensionError();
  return reasons.map((r) => r.Code === 'ConditionalCheckFailed');
}

async function queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ TableName: tableName, ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Management reads are strongly consistent: a client reads back at once what it just wrote. */
const withPrefix = (prefix: string) =>
  queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': EXTENSIONS_PK, ':prefix': prefix },
    ConsistentRead: true,
  });

async function getItem<T>(key: Key): Promise<T | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return out.Item ? fromItem<T>(out.Item) : undefined;
}

async function batchGet<T>(keys: Key[]): Promise<T[]> {
  const found: T[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100).map((k) => ({ ...k }));
    while (pending.length > 0) {
      const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const raw of out.Responses?.[tableName] ?? []) found.push(fromItem<T>(raw));
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

const revisionIs = (revision: number) => ({
  ConditionExpression: '#revision = :revision',
  ExpressionAttributeNames: { '#revision': 'revision' },
  ExpressionAttributeValues: { ':revision': revision },
});

const notExists = { ConditionExpression: 'attribute_not_exists(pk)' };

/** A condition on an item read at `revision`, or read as absent. */
const unchangedSince = (revision: number | undefined) => (revision === undefined ? notExists : revisionIs(revision));

// ---------------------------------------------------------------------------------------- rules

export const listRules = async () => (await withPrefix(RULES)).map((raw) => fromItem<RuleRecord>(raw));

export const findRule = (id: string) => getItem<RuleRecord>(ruleKey(id));

const nameClaim = (rule: RuleRecord) => item(ruleNameKey(rule.name), 'rule_name', { rule_id: rule.id });

/** Writes the rule and claims its name, together. */
export async function insertRule(rule: RuleRecord): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: item(ruleKey(rule.id), 'rule', rule), ...notExists } },
          { Put: { TableName: tableName, Item: nameClaim(rule), ...notExists } },
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (cancellation(error)[1]) throw new RuleConflictError('name');
    throw new StaleExtensionError();
  }
}

/** Replaces the rule read as `before`; a new name is claimed and the old one released in the same transaction. */
export async function replaceRule(before: RuleRecord, after: RuleRecord): Promise<void> {
  const renamed = before.name !== after.name;
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: item(ruleKey(after.id), 'rule', after), ...revisionIs(before.revision) } },
          ...(renamed
            ? [
                { Put: { TableName: tableName, Item: nameClaim(after), ...notExists } },
                { Delete: { TableName: tableName, Key: ruleNameKey(before.name) } },
              ]
            : []),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const [ruleFailed, nameFailed] = cancellation(error);
    if (!ruleFailed && nameFailed) throw new RuleConflictError('name');
    throw new StaleExtensionError();
  }
}

/** Deletes the rule read as `rule` and releases its name. */
export async function deleteRule(rule: RuleRecord): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: tableName, Key: ruleKey(rule.id), ...revisionIs(rule.revision) } },
          { Delete: { TableName: tableName, Key: ruleNameKey(rule.name) } },
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    cancellation(error);
    throw new StaleExtensionError();
  }
}

// ------------------------------------------------------------------------------- rules-configs

export interface RulesConfigRecord {
  key: string;
  value: string;
  updated_at: string;
}

/** The keys only: values are read by logins, never by the Management API. */
export async function listRulesConfigKeys(): Promise<string[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': EXTENSIONS_PK, ':prefix': CONFIGS },
    ProjectionExpression: '#key',
    ExpressionAttributeNames: { '#key': 'key' },
    ConsistentRead: true,
  });
  return items.map((i) => String(i.key));
}

export async function putRulesConfig(config: RulesConfigRecord): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName, Item: item(rulesConfigKey(config.key), 'rules_config', config) }));
}

export async function deleteRulesConfig(key: string): Promise<void> {
  await db.send(new DeleteCommand({ TableName: tableName, Key: rulesConfigKey(key) }));
}

// -------------------------------------------------------------------------------------- actions

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

async function transact(items: object[]): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items as never }));
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    cancellation(error);
    throw new StaleExtensionError();
  }
}

/** A new action, with its first version when it is deployed at creation. */
export const insertAction = (action: ActionRecord, version?: ActionVersionRecord) =>
  transact([putAction(action, notExists), ...(version ? [putVersion(version)] : [])]);

/** Replaces the action read at `revision`; `guard` keeps a binding from appearing meanwhile. */
export async function saveAction(action: ActionRecord, revision: number, guard?: BindingsGuard): Promise<void> {
  if (!guard) {
    try {
      await db.send(new PutCommand({ TableName: tableName, Item: item(actionKey(action.id), 'action', action), ...revisionIs(revision) }));
    } catch (error) {
      if (isConditionFailed(error)) throw new StaleExtensionError();
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
  ]);
}

// ---------------------------------------------------------------------------------------- login

export interface LoginItems {
  rules: RuleRecord[];
  configs: RulesConfigRecord[];
  versions: ActionVersionRecord[];
  bindings: TriggerBindingsRecord[];
}

/**
 * Everything a login needs, in one Query (paged past 1 MB): the sort keys from `ACTION_VERSION#`
 * on hold versions, bindings, rules-configs and rules, and skip the action drafts (`ACTION#…`,
 * which sort before them) that logins never run. Eventually consistent: half the read cost, and
 * the result is cached for seconds anyway.
 */
export async function queryLoginItems(): Promise<LoginItems> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk >= :from',
    ExpressionAttributeValues: { ':pk': EXTENSIONS_PK, ':from': ALL_VERSIONS },
  });
  const out: LoginItems = { rules: [], configs: [], versions: [], bindings: [] };
  for (const raw of items) {
    switch (raw.kind as Kind) {
      case 'rule': out.rules.push(fromItem(raw)); break;
      case 'rules_config': out.configs.push(fromItem(raw)); break;
      case 'action_version': out.versions.push(fromItem(raw)); break;
      case 'trigger_bindings': out.bindings.push(fromItem(raw)); break;
      default: break;
    }
  }
  return out;
}
