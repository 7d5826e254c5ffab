import * as repo from '#shared/db/rules-repo';
import { ItemExistsError } from '#shared/db/errors';
import { retryStale } from '#shared/management/rules/retry-stale';
import { randomAlphanumeric } from '#shared/platform/ids';
import { RuleConflictError, RuleNotFoundError } from '#shared/management/errors';
import { byOrder, type RuleRecord } from '#shared/management/rules/model';
import type { CreateRuleBody, ListRulesQuery, UpdateRuleBody } from '#shared/management/rules/schemas';

/**
 * /api/v2/rules. Names are unique through a claim item written with the rule (one transaction);
 * orders are unique per tenant as on Auth0, checked against the rules read just before writing.
 */
export const newRuleId = () => `rul_${randomAlphanumeric(16)}`;

function assertOrderFree(rules: readonly RuleRecord[], order: number, self?: string): void {
  if (rules.some((r) => r.id !== self && r.order === order)) throw new RuleConflictError('order');
}

/** The transaction found the name claimed by another rule. */
function nameTaken(error: unknown): never {
  throw error instanceof ItemExistsError ? new RuleConflictError('name') : error;
}

export function createRule(body: CreateRuleBody): Promise<RuleRecord> {
  // Retried when another transaction on the same items interferes; the second look finds its rule.
  return retryStale(async () => {
    const rules = await repo.listRules();
    // The transaction decides; this only answers before writing when the name is plainly taken.
    if (rules.some((r) => r.name === body.name)) throw new RuleConflictError('name');
    if (body.order !== undefined) assertOrderFree(rules, body.order);
    const rule: RuleRecord = {
      id: newRuleId(),
      name: body.name,
      script: body.script,
      // Auth0: a rule created without an order runs after every existing one.
      order: body.order ?? rules.reduce((max, r) => Math.max(max, r.order), 0) + 1,
      enabled: body.enabled ?? true,
      stage: 'login_success',
      revision: 1,
    };
    await repo.insertRule(rule).catch(nameTaken);
    return rule;
  });
}

export async function getRule(id: string): Promise<RuleRecord> {
  const rule = await repo.findRule(id);
  if (!rule) throw new RuleNotFoundError();
  return rule;
}

export interface RulePage {
  rules: RuleRecord[];
  total: number;
  start: number;
  limit: number;
}

/** Rules in execution order. Without page, per_page or include_totals Auth0 answers every rule. */
export async function listRules(query: ListRulesQuery): Promise<RulePage> {
  const all = (await repo.listRules()).filter((r) => query.enabled === undefined || r.enabled === query.enabled).sort(byOrder);
  const paged = query.page !== undefined || query.per_page !== undefined || query.include_totals;
  if (!paged) return { rules: all, total: all.length, start: 0, limit: all.length };
  const limit = query.per_page ?? 50;
  const start = (query.page ?? 0) * limit;
  return { rules: all.slice(start, start + limit), total: all.length, start, limit };
}

export function updateRule(id: string, body: UpdateRuleBody): Promise<RuleRecord> {
  return retryStale(async () => {
    const before = await getRule(id);
    if (body.order !== undefined && body.order !== before.order) assertOrderFree(await repo.listRules(), body.order, id);
    const after: RuleRecord = {
      ...before,
      name: body.name ?? before.name,
      script: body.script ?? before.script,
      order: body.order ?? before.order,
      enabled: body.enabled ?? before.enabled,
      revision: before.revision + 1,
    };
    await repo.replaceRule(before, after).catch(nameTaken);
    return after;
  });
}

/** Auth0 answers 204 for a rule that does not exist (go-auth0 TestRuleManager_Delete). */
export function deleteRule(id: string): Promise<void> {
  return retryStale(async () => {
    const rule = await repo.findRule(id);
    if (rule) await repo.deleteRule(rule);
  });
}
