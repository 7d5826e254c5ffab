import { managementRoute } from '#shared/http/management-route';
import { listGrants } from '#shared/management/client-grants/client-grants';
import { toWireGrant } from '#shared/management/client-grants/model';
import { ListClientGrantsQuery } from '#shared/management/client-grants/schemas';

export const handler = managementRoute('client-grants-list', { query: ListClientGrantsQuery }, async ({ query }) => {
  const page = await listGrants(query);
  const client_grants = page.grants.map(toWireGrant);
  // Checkpoint paging (from/take) answers `next` while more remain; Auth0's node SDK follows it.
  if (query.from !== undefined || query.take !== undefined) {
    return { body: { client_grants, ...(page.next ? { next: page.next } : {}) } };
  }
  if (!query.include_totals) return { body: client_grants };
  return { body: { start: page.start, limit: page.limit, total: page.total, client_grants } };
});
