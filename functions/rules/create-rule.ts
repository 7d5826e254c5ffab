import { managementRoute } from '#shared/http/management-route';
import { toWireRule } from '#shared/management/rules/model';
import { createRule } from '#shared/management/rules/rules';
import { CreateRuleBody } from '#shared/management/rules/schemas';

export const handler = managementRoute('rules-create', { body: CreateRuleBody }, async ({ body }) => ({
  status: 201,
  body: toWireRule(await createRule(body)),
}));
