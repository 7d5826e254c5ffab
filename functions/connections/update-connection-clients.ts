import { managementRoute } from '#shared/http/management-route';
import { ConnectionClientsChanges, updateConnectionClients } from '#shared/management/connections/enabled-clients';
import { ConnectionIdParams } from '#shared/management/connections/schemas';

export const handler = managementRoute('connections-clients-update', { params: ConnectionIdParams, body: ConnectionClientsChanges }, async ({ params, body }) => {
  await updateConnectionClients(params.id, body);
  return { status: 204 };
});
