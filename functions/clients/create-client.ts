import { managementRoute } from '#shared/http/management-route';
import { createManagedClient } from '#shared/management/clients/clients';
import { toWireClient } from '#shared/management/clients/model';
import { CreateClientBody } from '#shared/management/clients/schemas';

export const handler = managementRoute('clients-create', { body: CreateClientBody }, async ({ body }) => {
  const { client, secret } = await createManagedClient(body);
  return { status: 201, body: toWireClient(client, secret) };
});
