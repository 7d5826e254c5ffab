import { listActions } from '#shared/actions/actions';
import { pageOf, toWireAction } from '#shared/actions/model';
import { ListActionsQuery } from '#shared/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-list', { query: ListActionsQuery }, async ({ query }) => {
  const { actions, total } = await listActions(query);
  const wire = actions.map((v) => toWireAction(v.action, v.deployed));
  return { body: pageOf('actions', wire, total, query.page, query.per_page) };
});
