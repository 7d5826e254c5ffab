import { managementRoute } from '#shared/http/management-route';
import { toWireApi } from '#shared/management/resource-servers/model';
import { createApi } from '#shared/management/resource-servers/resource-servers';
import { CreateResourceServerBody } from '#shared/management/resource-servers/schemas';

export const handler = managementRoute('resource-servers-create', { body: CreateResourceServerBody }, async ({ body }) => ({
  status: 201,
  body: toWireApi(await createApi(body)),
}));
