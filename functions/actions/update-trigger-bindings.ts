import { updateBindings } from '#shared/management/actions/bindings';
import { TriggerParams, UpdateBindingsBody } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-bindings-update', { params: TriggerParams, body: UpdateBindingsBody }, async ({ params, body }) => ({
  body: { bindings: await updateBindings(params.triggerId, body) },
}));
