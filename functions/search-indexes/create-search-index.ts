import { managementRoute } from '#shared/http/management-route';
import { declareIndex, toWireIndex } from '#shared/search-index/manage';
import { CreateSearchIndexBody } from '#shared/search-index/schemas';

export const handler = managementRoute('search-indexes-create', { body: CreateSearchIndexBody }, async ({ body }) => ({
  status: 201,
  body: toWireIndex(await declareIndex(body)),
}));
