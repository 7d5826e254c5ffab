import { managementRoute } from '#shared/http/management-route';
import { getTenantSettings } from '#shared/management/tenant-settings/tenant-settings';
import { GetTenantSettingsQuery } from '#shared/management/tenant-settings/schemas';

export const handler = managementRoute('tenant-settings-get', { query: GetTenantSettingsQuery }, async ({ query }) => {
  const names = query.fields?.split(',').filter(Boolean) ?? [];
  return { body: await getTenantSettings(names.length > 0 ? { names, include: query.include_fields } : undefined) };
});
