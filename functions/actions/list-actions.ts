import { listActions } from '#shared/management/actions/actions';
import { pageOf, toWireAction } from '#shared/management/actions/model';
import { ListActionsQuery } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-list', { query: ListActionsQuery }, async ({ query }) => {
  const { actions, total } = await listActions(query);
  const wire = actions.map((v) => toWireAction(v.action, v.deployed));
  return { body: pageOf('actions', wire, total, query.page, query.per_page) };
});
