import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import {
  bumpGeneration,
  cancellation,
  CONFIGS,
  fromItem,
  getItem,
  item,
  notExists,
  revisionIs,
  RULES,
  withPrefix,
} from '#shared/db/extensions-items';
import { queryAll } from '#shared/db/query-all';
import { isTransactionCanceled } from '#shared/db/transactions';
import { EXTENSIONS_PK, ruleKey, ruleNameKey, rulesConfigKey } from '#shared/db/keys';
import { ConditionFailedError, ItemExistsError, WriteConflictError } from '#shared/db/errors';
import type { RuleRecord } from '#shared/management/rules/model';

/**
 * Rules (with their name claims) and rules-configs in DynamoDB. Each write also bumps the
 * extensions generation in its transaction, so the next login of every warm function sees it.
 */
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
          bumpGeneration(),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (cancellation(error)[1]) throw new ItemExistsError();
    throw new WriteConflictError();
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
          bumpGeneration(),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    const [ruleFailed, nameFailed] = cancellation(error);
    if (!ruleFailed && nameFailed) throw new ItemExistsError();
    throw new WriteConflictError();
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
          bumpGeneration(),
        ],
      }),
    );
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    cancellation(error);
    throw new WriteConflictError();
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

/**
 * Sets a value with the generation bump: one transaction (4 WCU for a value under 1 KB, where a
 * lone Put was 1); WriteConflictError when another extensions write meets it on the generation item.
 */
export function putRulesConfig(config: RulesConfigRecord): Promise<void> {
  return writeConfig({ Put: { TableName: tableName, Item: item(rulesConfigKey(config.key), 'rules_config', config) } });
}

/** Deletes the key if it is set; a key that is not set changes nothing, so logins are not told of it. */
export async function deleteRulesConfig(key: string): Promise<void> {
  try {
    await writeConfig({ Delete: { TableName: tableName, Key: rulesConfigKey(key), ConditionExpression: 'attribute_exists(pk)' } });
  } catch (error) {
    // The condition failed: the key was not set (the domain never sees this).
    if (!(error instanceof ConditionFailedError)) throw error;
  }
}

async function writeConfig(write: object): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: [write, bumpGeneration()] as never }));
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (cancellation(error)[0]) throw new ConditionFailedError(undefined, false);
    throw new WriteConflictError();
  }
}
