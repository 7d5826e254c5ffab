import { managementRoute } from '#shared/http/management-route';
import { ConnectionClientsQuery, getConnectionClients } from '#shared/management/connections/enabled-clients';
import { ConnectionIdParams } from '#shared/management/connections/schemas';

export const handler = managementRoute('connections-clients-get', { params: ConnectionIdParams, query: ConnectionClientsQuery }, async ({ params, query }) => ({
  body: await getConnectionClients(params.id, query),
}));
