import { managementRoute } from '#shared/http/management-route';
import { deleteApi } from '#shared/management/resource-servers/resource-servers';
import { ResourceServerIdParams } from '#shared/management/resource-servers/schemas';

export const handler = managementRoute('resource-servers-delete', { params: ResourceServerIdParams }, async ({ params }) => {
  await deleteApi(params.id);
  return { status: 204 };
});
