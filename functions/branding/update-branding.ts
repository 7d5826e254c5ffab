import { managementRoute } from '#shared/http/management-route';
import { updateBranding } from '#shared/management/branding/branding';
import { UpdateBrandingBody } from '#shared/management/branding/schemas';

export const handler = managementRoute('branding-update', { body: UpdateBrandingBody }, async ({ body }) => ({ body: await updateBranding(body) }));
