import { managementRoute } from '#shared/http/management-route';
import { getBranding } from '#shared/management/branding/branding';

export const handler = managementRoute('branding-get', {}, async () => ({ body: await getBranding() }));
