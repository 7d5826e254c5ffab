import { managementRoute } from '#shared/http/management-route';
import { deleteRule } from '#shared/management/rules/rules';
import { RuleIdParams } from '#shared/management/rules/schemas';

export const handler = managementRoute('rules-delete', { params: RuleIdParams }, async ({ params }) => {
  await deleteRule(params.id);
  return { status: 204 };
});
