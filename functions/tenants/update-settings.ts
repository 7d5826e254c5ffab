import { managementRoute } from '#shared/http/management-route';
import { updateTenantSettings } from '#shared/management/tenant-settings/tenant-settings';
import { UpdateTenantSettingsBody } from '#shared/management/tenant-settings/schemas';

export const handler = managementRoute('tenant-settings-update', { body: UpdateTenantSettingsBody }, async ({ body }) => ({
  body: await updateTenantSettings(body),
}));
