import { managementRoute } from '#shared/http/management-route';
import { getConnection } from '#shared/management/connections/connections';
import { projectConnection, toWireConnection } from '#shared/management/connections/model';
import { ConnectionIdParams, GetConnectionQuery } from '#shared/management/connections/schemas';

export const handler = managementRoute('connections-get', { params: ConnectionIdParams, query: GetConnectionQuery }, async ({ params, query }) => ({
  body: projectConnection(toWireConnection(await getConnection(params.id)), query.fields, query.include_fields),
}));
