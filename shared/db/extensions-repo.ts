import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ActionVersionRecord, TriggerBindingsRecord } from '#shared/management/actions/model';
import { db, tableName } from '#shared/db/client';
import { ALL_VERSIONS, fromItem, type Kind } from '#shared/db/extensions-items';
import { queryAll } from '#shared/db/query-all';
import type { RulesConfigRecord } from '#shared/db/rules-repo';
import { EXTENSIONS_PK, extensionsGenerationKey } from '#shared/db/keys';
import type { RuleRecord } from '#shared/management/rules/model';

export interface LoginItems {
  rules: RuleRecord[];
  configs: RulesConfigRecord[];
  versions: ActionVersionRecord[];
  bindings: TriggerBindingsRecord[];
  /** The generation item's value as this Query read it (0 when there is none yet). */
  generation: number;
}

/**
 * Everything a login needs, in one Query (paged past 1 MB): the sort keys from `ACTION_VERSION#`
 * on hold versions, bindings, rules-configs and rules (and the generation item),
 * and skip the action drafts (`ACTION#…`, which sort before them) that logins never run.
 * Strongly consistent: a reload follows a generation read, and must not return anything older
 * than that generation (an eventually consistent Query could, and the cache would then keep a
 * stale set under a new generation until its ceiling).
 */
export async function queryLoginItems(): Promise<LoginItems> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND sk >= :from',
    ExpressionAttributeValues: { ':pk': EXTENSIONS_PK, ':from': ALL_VERSIONS },
    ConsistentRead: true,
  });
  const out: LoginItems = { rules: [], configs: [], versions: [], bindings: [], generation: 0 };
  for (const raw of items) {
    switch (raw.kind as Kind) {
      case 'rule': out.rules.push(fromItem(raw)); break;
      case 'rules_config': out.configs.push(fromItem(raw)); break;
      case 'action_version': out.versions.push(fromItem(raw)); break;
      case 'trigger_bindings': out.bindings.push(fromItem(raw)); break;
      case 'generation': out.generation = typeof raw.generation === 'number' ? raw.generation : 0; break;
      default: break;
    }
  }
  return out;
}

/**
 * The extensions generation: 0 until the first write that a login can see. One item of ~40
 * bytes, so an eventually consistent read costs 0.5 read units and a consistent one 1.
 */
export async function readExtensionsGeneration(consistent: boolean): Promise<number> {
  const out = await db.send(
    new GetCommand({ TableName: tableName, Key: extensionsGenerationKey, ConsistentRead: consistent, ProjectionExpression: 'generation' }),
  );
  return typeof out.Item?.generation === 'number' ? out.Item.generation : 0;
}
