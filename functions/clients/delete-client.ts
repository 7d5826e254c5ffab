import { managementRoute } from '#shared/http/management-route';
import { deleteClient } from '#shared/management/clients/clients';
import { ClientIdParams } from '#shared/management/clients/schemas';

export const handler = managementRoute('clients-delete', { params: ClientIdParams }, async ({ params }) => {
  await deleteClient(params.id);
  return { status: 204 };
});
