import { managementRoute } from '#shared/http/management-route';
import { putRulesConfig } from '#shared/management/rules/rules-configs';
import { PutRulesConfigBody, RulesConfigKeyParams } from '#shared/management/rules/schemas';

export const handler = managementRoute(
  'rules-configs-put',
  { params: RulesConfigKeyParams, body: PutRulesConfigBody },
  async ({ params, body }) => ({ body: await putRulesConfig(params.key, body.value) }),
);
