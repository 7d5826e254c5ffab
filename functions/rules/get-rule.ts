import { managementRoute } from '#shared/http/management-route';
import { projectRule, toWireRule } from '#shared/management/rules/model';
import { getRule } from '#shared/management/rules/rules';
import { GetRuleQuery, RuleIdParams } from '#shared/management/rules/schemas';

export const handler = managementRoute('rules-get', { params: RuleIdParams, query: GetRuleQuery }, async ({ params, query }) => ({
  body: projectRule(toWireRule(await getRule(params.id)), query.fields, query.include_fields),
}));
