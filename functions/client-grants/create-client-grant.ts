import { managementRoute } from '#shared/http/management-route';
import { createGrant } from '#shared/management/client-grants/client-grants';
import { toWireGrant } from '#shared/management/client-grants/model';
import { CreateClientGrantBody } from '#shared/management/client-grants/schemas';

export const handler = managementRoute('client-grants-create', { body: CreateClientGrantBody }, async ({ body }) => ({
  status: 201,
  body: toWireGrant(await createGrant(body)),
}));
