import { managementRoute } from '#shared/http/management-route';
import { projectApi, toWireApi } from '#shared/management/resource-servers/model';
import { listApis } from '#shared/management/resource-servers/resource-servers';
import { ListResourceServersQuery } from '#shared/management/resource-servers/schemas';
import { InvalidQueryError } from '#shared/platform/errors';

/** Auth0 takes up to 10 `identifiers`, each its own query parameter. */
const MAX_IDENTIFIERS = 10;

export const handler = managementRoute('resource-servers-list', { query: ListResourceServersQuery }, async ({ query, event }) => {
  const identifiers = new URLSearchParams(event.rawQueryString).getAll('identifiers');
  if (identifiers.length > MAX_IDENTIFIERS) {
    throw new InvalidQueryError(`'Array is too long (${identifiers.length}), maximum ${MAX_IDENTIFIERS}' on property identifiers.`);
  }
  const page = await listApis(query, identifiers);
  const apis = page.apis.map((api) => projectApi(toWireApi(api), query.fields, query.include_fields));
  if (!query.include_totals) return { body: apis };
  return { body: { start: page.start, limit: page.limit, total: page.total, resource_servers: apis } };
});
