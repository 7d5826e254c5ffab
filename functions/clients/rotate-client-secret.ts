import { managementRoute } from '#shared/http/management-route';
import { rotateClientSecret } from '#shared/management/clients/clients';
import { toWireClient } from '#shared/management/clients/model';
import { ClientIdParams } from '#shared/management/clients/schemas';

export const handler = managementRoute('clients-rotate-secret', { params: ClientIdParams }, async ({ params }) => {
  const { client, secret } = await rotateClientSecret(params.id);
  return { body: toWireClient(client, secret) };
});
