import { managementRoute } from '#shared/http/management-route';
import { toWireRule } from '#shared/rules/model';
import { updateRule } from '#shared/rules/rules';
import { RuleIdParams, UpdateRuleBody } from '#shared/rules/schemas';

export const handler = managementRoute('rules-update', { params: RuleIdParams, body: UpdateRuleBody }, async ({ params, body }) => ({
  body: toWireRule(await updateRule(params.id, body)),
}));
