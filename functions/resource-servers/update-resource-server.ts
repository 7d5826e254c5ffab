import { managementRoute } from '#shared/http/management-route';
import { toWireApi } from '#shared/management/resource-servers/model';
import { updateApi } from '#shared/management/resource-servers/resource-servers';
import { ResourceServerIdParams, UpdateResourceServerBody } from '#shared/management/resource-servers/schemas';

export const handler = managementRoute(
  'resource-servers-update',
  { params: ResourceServerIdParams, body: UpdateResourceServerBody },
  async ({ params, body }) => ({ body: toWireApi(await updateApi(params.id, body)) }),
);
