import { createAction } from '#shared/management/actions/actions';
import { toWireAction } from '#shared/management/actions/model';
import { CreateActionBody } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-create', { body: CreateActionBody }, async ({ body }) => {
  const { action, deployed } = await createAction(body);
  return { status: 201, body: toWireAction(action, deployed) };
});
