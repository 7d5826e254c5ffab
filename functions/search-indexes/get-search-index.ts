import { managementRoute } from '#shared/http/management-route';
import { getIndex } from '#shared/search-index/manage';
import { SearchIndexPathParams } from '#shared/search-index/schemas';

export const handler = managementRoute('search-indexes-get', { params: SearchIndexPathParams }, async ({ params }) => ({
  body: await getIndex(params.path),
}));
