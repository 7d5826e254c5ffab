import { managementRoute } from '#shared/http/management-route';
import { putPartials } from '#shared/management/prompts/partials';
import { PartialsBody, PromptParams } from '#shared/management/prompts/schemas';

export const handler = managementRoute('prompts-partials-put', { params: PromptParams, body: PartialsBody }, async ({ params, body }) => ({
  body: await putPartials(params.prompt, body),
}));
