import { managementRoute } from '#shared/http/management-route';
import { projectRule, toWireRule } from '#shared/management/rules/model';
import { listRules } from '#shared/management/rules/rules';
import { ListRulesQuery } from '#shared/management/rules/schemas';

export const handler = managementRoute('rules-list', { query: ListRulesQuery }, async ({ query }) => {
  const page = await listRules(query);
  const rules = page.rules.map((r) => projectRule(toWireRule(r), query.fields, query.include_fields));
  if (!query.include_totals) return { body: rules };
  // Key order as Auth0 serves it (go-auth0 TestRuleManager_List).
  return { body: { total: page.total, start: page.start, limit: page.limit, rules } };
});
