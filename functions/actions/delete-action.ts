import { deleteAction } from '#shared/management/actions/actions';
import { ActionIdParams, DeleteActionQuery } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-delete', { params: ActionIdParams, query: DeleteActionQuery }, async ({ params, query }) => {
  await deleteAction(params.id, query.force);
  return { status: 204 };
});
