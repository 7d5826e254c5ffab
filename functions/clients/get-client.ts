import { managementRoute } from '#shared/http/management-route';
import { getClient } from '#shared/management/clients/clients';
import { projectClient, toWireClient } from '#shared/management/clients/model';
import { ClientIdParams, GetClientQuery } from '#shared/management/clients/schemas';
import { visibleFields } from '#shared/management/clients/visibility';

export const handler = managementRoute('clients-get', { params: ClientIdParams, query: GetClientQuery }, async ({ params, query, caller }) => ({
  body: projectClient(toWireClient(await getClient(params.id)), query.fields, query.include_fields, visibleFields(caller)),
}));
