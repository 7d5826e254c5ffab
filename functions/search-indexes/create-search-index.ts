import { managementRoute } from '#shared/http/management-route';
import { declareIndex, toWireIndex } from '#shared/management/search-indexes/manage';
import { CreateSearchIndexBody } from '#shared/management/search-indexes/schemas';

export const handler = managementRoute('search-indexes-create', { body: CreateSearchIndexBody }, async ({ body }) => ({
  status: 201,
  body: toWireIndex(await declareIndex(body)),
}));
