import { tenantChanged } from '#shared/platform/cache';
import { brandingKey } from '#shared/db/keys';
import { readTenantConfig, writeTenantConfig } from '#shared/db/tenant-config-repo';
import type { Branding } from '#shared/tenant/branding';
import { mergePatch } from '#shared/management/merge-patch';
import { retryStale } from '#shared/management/rules/retry-stale';
import type { UpdateBrandingBody } from '#shared/management/branding/schemas';

/**
 * GET and PATCH /api/v2/branding. One item; a PATCH reads it (strongly), merges and writes on the
 * revision it read, so two concurrent PATCHes of different fields both land (the later one reads
 * again). The hosted login reads it through shared/tenant/branding.ts.
 */
export async function getBranding(): Promise<Branding> {
  return (await readTenantConfig<Branding>(brandingKey, true)).value ?? {};
}

export async function updateBranding(patch: UpdateBrandingBody): Promise<Branding> {
  const updated = await retryStale(async () => {
    const { value, revision } = await readTenantConfig<Branding>(brandingKey, true);
    const next = mergePatch(value ?? {}, withoutEmptyUrls(patch));
    await writeTenantConfig(brandingKey, next, revision);
    return next;
  });
  tenantChanged();
  return updated;
}

/** "" is Auth0's empty URL: the field is cleared, as null does. */
function withoutEmptyUrls(patch: UpdateBrandingBody): object {
  const blank = (v: string | null | undefined) => (v === '' ? null : v);
  return {
    ...patch,
    ...('logo_url' in patch ? { logo_url: blank(patch.logo_url) } : {}),
    ...('favicon_url' in patch ? { favicon_url: blank(patch.favicon_url) } : {}),
    ...(patch.font && 'url' in patch.font ? { font: { url: blank(patch.font.url) } } : {}),
  };
}
