import { managementRoute } from '#shared/http/management-route';
import { deleteGrant } from '#shared/management/client-grants/client-grants';
import { ClientGrantIdParams } from '#shared/management/client-grants/schemas';

export const handler = managementRoute('client-grants-delete', { params: ClientGrantIdParams }, async ({ params }) => {
  await deleteGrant(params.id);
  return { status: 204 };
});
