import { managementRoute } from '#shared/http/management-route';
import { listConnections, listConnectionsFrom } from '#shared/management/connections/connections';
import { projectConnection, toWireConnection } from '#shared/management/connections/model';
import { ListConnectionsQuery } from '#shared/management/connections/schemas';

export const handler = managementRoute('connections-list', { query: ListConnectionsQuery }, async ({ event, query }) => {
  // `strategy` may repeat (Auth0's list takes several); the schema checked the last one.
  const strategies = new URLSearchParams(event.rawQueryString).getAll('strategy').slice(0, 20);
  const wire = (c: Parameters<typeof toWireConnection>[0]) => projectConnection(toWireConnection(c), query.fields, query.include_fields);
  if (query.from !== undefined || query.take !== undefined) {
    const page = await listConnectionsFrom(query, strategies);
    return { body: { connections: page.connections.map(wire), ...(page.next ? { next: page.next } : {}) } };
  }
  const page = await listConnections(query, strategies);
  const connections = page.connections.map(wire);
  if (!query.include_totals) return { body: connections };
  return { body: { start: page.start, limit: page.limit, total: page.total, connections } };
});
