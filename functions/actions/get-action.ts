import { getAction } from '#shared/management/actions/actions';
import { toWireAction } from '#shared/management/actions/model';
import { ActionIdParams } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-get', { params: ActionIdParams }, async ({ params }) => {
  const { action, deployed } = await getAction(params.id);
  return { body: toWireAction(action, deployed) };
});
