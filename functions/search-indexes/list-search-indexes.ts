import { managementRoute } from '#shared/http/management-route';
import { listIndexes } from '#shared/management/search-indexes/manage';

export const handler = managementRoute('search-indexes-list', {}, async () => ({ body: await listIndexes() }));
