import { updateAction } from '#shared/management/actions/actions';
import { toWireAction } from '#shared/management/actions/model';
import { ActionIdParams, UpdateActionBody } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-update', { params: ActionIdParams, body: UpdateActionBody }, async ({ params, body }) => {
  const { action, deployed } = await updateAction(params.id, body);
  return { body: toWireAction(action, deployed) };
});
