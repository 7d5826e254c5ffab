import { managementRoute } from '#shared/http/management-route';
import { updateGrant } from '#shared/management/client-grants/client-grants';
import { toWireGrant } from '#shared/management/client-grants/model';
import { ClientGrantIdParams, UpdateClientGrantBody } from '#shared/management/client-grants/schemas';

export const handler = managementRoute('client-grants-update', { params: ClientGrantIdParams, body: UpdateClientGrantBody }, async ({ params, body }) => ({
  body: toWireGrant(await updateGrant(params.id, body)),
}));
