import { managementRoute } from '#shared/http/management-route';
import { deleteIndex } from '#shared/management/search-indexes/manage';
import { SearchIndexPathParams } from '#shared/management/search-indexes/schemas';

export const handler = managementRoute('search-indexes-delete', { params: SearchIndexPathParams }, async ({ params }) => {
  await deleteIndex(params.path);
  return { status: 204 };
});
