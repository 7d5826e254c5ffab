import type { ActionVersionRecord, TriggerBindingsRecord } from '#shared/actions/model';
import { ALL_VERSIONS, fromItem, queryAll, type Kind } from '#shared/db/extensions-items';
import type { RulesConfigRecord } from '#shared/db/rules-repo';
import { EXTENSIONS_PK } from '#shared/db/keys';
import type { RuleRecord } from '#shared/rules/model';

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
