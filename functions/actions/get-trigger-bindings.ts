import { getBindings } from '#shared/management/actions/bindings';
import { pageOf } from '#shared/management/actions/model';
import { ListBindingsQuery, TriggerParams } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-bindings-get', { params: TriggerParams, query: ListBindingsQuery }, async ({ params, query }) => {
  const { bindings, total } = await getBindings(params.triggerId, query.page, query.per_page);
  return { body: pageOf('bindings', bindings, total, query.page, query.per_page) };
});
