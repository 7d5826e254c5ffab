import { managementRoute } from '#shared/http/management-route';
import { deleteRulesConfig } from '#shared/management/rules/rules-configs';
import { RulesConfigKeyParams } from '#shared/management/rules/schemas';

export const handler = managementRoute('rules-configs-delete', { params: RulesConfigKeyParams }, async ({ params }) => {
  await deleteRulesConfig(params.key);
  return { status: 204 };
});
