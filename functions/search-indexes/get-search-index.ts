import { managementRoute } from '#shared/http/management-route';
import { getIndex } from '#shared/management/search-indexes/manage';
import { SearchIndexPathParams } from '#shared/management/search-indexes/schemas';

export const handler = managementRoute('search-indexes-get', { params: SearchIndexPathParams }, async ({ params }) => ({
  body: await getIndex(params.path),
}));
