import type { ActionScript, RuleScript } from '#shared/extensions/contract';

/** What runs at login: enabled rules in order, deployed post-login actions in binding order, rules-configs. */
export interface LoginExtensions {
  rules: RuleScript[];
  actions: ActionScript[];
  configuration: Record<string, string>;
}

/** PLACEHOLDER until the rules/actions storage lands: one cached Query of the EXTENSIONS partition. */
export async function loadLoginExtensions(): Promise<LoginExtensions> {
  throw new Error('extensions loader not implemented yet');
}
