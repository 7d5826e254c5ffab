import { managementRoute } from '#shared/http/management-route';
import { listRulesConfigs } from '#shared/management/rules/rules-configs';

export const handler = managementRoute('rules-configs-list', {}, async () => ({ body: await listRulesConfigs() }));
