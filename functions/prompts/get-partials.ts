import { managementRoute } from '#shared/http/management-route';
import { getPartials } from '#shared/management/prompts/partials';
import { PromptParams } from '#shared/management/prompts/schemas';

export const handler = managementRoute('prompts-partials-get', { params: PromptParams }, async ({ params }) => ({
  body: await getPartials(params.prompt),
}));
