import { tenantChanged } from '#shared/platform/cache';
import { tenantSettingsKey } from '#shared/db/keys';
import { readTenantConfig, writeTenantConfig } from '#shared/db/tenant-config-repo';
import type { TenantSettings } from '#shared/tenant/settings';
import { mergePatch } from '#shared/management/merge-patch';
import { retryStale } from '#shared/management/rules/retry-stale';
import { settingsView, type TenantSettingsView } from '#shared/management/tenant-settings/model';
import type { UpdateTenantSettingsBody } from '#shared/management/tenant-settings/schemas';

/**
 * GET and PATCH /api/v2/tenants/settings. One item holding only what was set; GET adds Auth0's
 * defaults. A PATCH merges (flags and session_cookie key by key, arrays replaced, null removes)
 * and writes on the revision it read, so concurrent PATCHes of different fields both land. The
 * hosted login and logout read the item through shared/tenant/settings.ts.
 */
export async function getTenantSettings(fields?: { names: string[]; include: boolean }): Promise<Partial<TenantSettingsView>> {
  const view = settingsView((await readTenantConfig<TenantSettings>(tenantSettingsKey, true)).value ?? {});
  return fields ? pick(view, fields.names, fields.include) : view;
}

export async function updateTenantSettings(patch: UpdateTenantSettingsBody): Promise<TenantSettingsView> {
  const updated = await retryStale(async () => {
    const { value, revision } = await readTenantConfig<TenantSettings>(tenantSettingsKey, true);
    const next = mergePatch(value ?? {}, patch);
    await writeTenantConfig(tenantSettingsKey, next, revision);
    return next;
  });
  tenantChanged();
  return settingsView(updated);
}

function pick(view: TenantSettingsView, names: string[], include: boolean): Partial<TenantSettingsView> {
  const wanted = new Set(names);
  return Object.fromEntries(Object.entries(view).filter(([key]) => wanted.has(key) === include));
}
