import { managementRoute } from '#shared/http/management-route';
import { createConnection } from '#shared/management/connections/connections';
import { toWireConnection } from '#shared/management/connections/model';
import { CreateConnectionBody } from '#shared/management/connections/schemas';

export const handler = managementRoute('connections-create', { body: CreateConnectionBody }, async ({ body }) => ({
  status: 201,
  body: toWireConnection(await createConnection(body)),
}));
