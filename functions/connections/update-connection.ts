import { managementRoute } from '#shared/http/management-route';
import { updateConnection } from '#shared/management/connections/connections';
import { toWireConnection } from '#shared/management/connections/model';
import { ConnectionIdParams, UpdateConnectionBody } from '#shared/management/connections/schemas';

export const handler = managementRoute('connections-update', { params: ConnectionIdParams, body: UpdateConnectionBody }, async ({ params, body }) => ({
  body: toWireConnection(await updateConnection(params.id, body)),
}));
