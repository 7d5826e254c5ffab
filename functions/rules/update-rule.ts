import { managementRoute } from '#shared/http/management-route';
import { toWireRule } from '#shared/management/rules/model';
import { updateRule } from '#shared/management/rules/rules';
import { RuleIdParams, UpdateRuleBody } from '#shared/management/rules/schemas';

export const handler = managementRoute('rules-update', { params: RuleIdParams, body: UpdateRuleBody }, async ({ params, body }) => ({
  body: toWireRule(await updateRule(params.id, body)),
}));
