import { managementRoute } from '#shared/http/management-route';
import { deleteIndex } from '#shared/search-index/manage';
import { SearchIndexPathParams } from '#shared/search-index/schemas';

export const handler = managementRoute('search-indexes-delete', { params: SearchIndexPathParams }, async ({ params }) => {
  await deleteIndex(params.path);
  return { status: 204 };
});
