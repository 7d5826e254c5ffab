import { managementRoute } from '#shared/http/management-route';
import { listClients } from '#shared/management/clients/clients';
import { projectClient, toWireClient } from '#shared/management/clients/model';
import { ListClientsQuery } from '#shared/management/clients/schemas';
import { visibleFields } from '#shared/management/clients/visibility';

export const handler = managementRoute('clients-list', { query: ListClientsQuery }, async ({ query, caller }) => {
  const page = await listClients(query);
  const visible = visibleFields(caller);
  const clients = page.clients.map((c) => projectClient(toWireClient(c), query.fields, query.include_fields, visible));
  if (!query.include_totals) return { body: clients };
  return { body: { start: page.start, limit: page.limit, total: page.total, clients } };
});
