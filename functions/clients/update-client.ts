import { managementRoute } from '#shared/http/management-route';
import { updateClient } from '#shared/management/clients/clients';
import { toWireClient } from '#shared/management/clients/model';
import { ClientIdParams, UpdateClientBody } from '#shared/management/clients/schemas';
import { assertMayUpdate } from '#shared/management/clients/visibility';

export const handler = managementRoute('clients-update', { params: ClientIdParams, body: UpdateClientBody }, async ({ params, body, caller }) => {
  assertMayUpdate(caller, body);
  const { client, secret } = await updateClient(params.id, body);
  return { body: toWireClient(client, secret) };
});
