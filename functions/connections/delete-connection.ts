import { managementRoute } from '#shared/http/management-route';
import { deleteConnection } from '#shared/management/connections/delete';
import { ConnectionIdParams } from '#shared/management/connections/schemas';

export const handler = managementRoute('connections-delete', { params: ConnectionIdParams }, async ({ params }) => {
  const outcome = await deleteConnection(params.id);
  return outcome.status === 202 ? { status: 202, body: { deleted_at: outcome.deleted_at } } : { status: 204 };
});
