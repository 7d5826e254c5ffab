import { managementRoute } from '#shared/http/management-route';
import { projectApi, toWireApi } from '#shared/management/resource-servers/model';
import { getApi } from '#shared/management/resource-servers/resource-servers';
import { GetResourceServerQuery, ResourceServerIdParams } from '#shared/management/resource-servers/schemas';

export const handler = managementRoute(
  'resource-servers-get',
  { params: ResourceServerIdParams, query: GetResourceServerQuery },
  async ({ params, query }) => ({ body: projectApi(toWireApi(await getApi(params.id)), query.fields, query.include_fields) }),
);
