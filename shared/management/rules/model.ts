/** A rule as stored. Auth0's wire names, plus the revision that concurrent writers compare. */
export interface RuleRecord {
  id: string;
  name: string;
  script: string;
  order: number;
  enabled: boolean;
  stage: 'login_success';
  /** Incremented by every write; a write applies only at the revision it read. */
  revision: number;
}

/** The fields a rule has on the wire, in the order Auth0 serves them (go-auth0 TestRuleManager_Create). */
export const RULE_FIELDS = ['id', 'enabled', 'script', 'name', 'order', 'stage'] as const;

export function toWireRule(rule: RuleRecord): Record<string, unknown> {
  return { id: rule.id, enabled: rule.enabled, script: rule.script, name: rule.name, order: rule.order, stage: rule.stage };
}

/** Auth0's `fields` / `include_fields`: keep (or drop) the listed fields. */
export function projectRule(wire: Record<string, unknown>, fields: readonly string[] | undefined, include: boolean) {
  if (!fields || fields.length === 0) return wire;
  const listed = new Set(fields);
  return Object.fromEntries(Object.entries(wire).filter(([key]) => listed.has(key) === include));
}

/** Enabled rules run in ascending `order`; the id breaks ties so the order never depends on storage. */
export const byOrder = (a: RuleRecord, b: RuleRecord) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
