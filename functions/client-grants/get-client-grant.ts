import { managementRoute } from '#shared/http/management-route';
import { getGrant } from '#shared/management/client-grants/client-grants';
import { toWireGrant } from '#shared/management/client-grants/model';
import { ClientGrantIdParams } from '#shared/management/client-grants/schemas';

export const handler = managementRoute('client-grants-get', { params: ClientGrantIdParams }, async ({ params }) => ({
  body: toWireGrant(await getGrant(params.id)),
}));
