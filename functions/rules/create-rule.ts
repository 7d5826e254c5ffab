import { managementRoute } from '#shared/http/management-route';
import { toWireRule } from '#shared/rules/model';
import { createRule } from '#shared/rules/rules';
import { CreateRuleBody } from '#shared/rules/schemas';

export const handler = managementRoute('rules-create', { body: CreateRuleBody }, async ({ body }) => ({
  status: 201,
  body: toWireRule(await createRule(body)),
}));
