import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { brandingKey } from '#shared/db/keys';
import { readTenantConfig } from '#shared/db/tenant-config-repo';

/**
 * The tenant's branding (Auth0's `GET /api/v2/branding` shape), as the hosted login page reads
 * it: one GetItem, kept TENANT_CACHE_TTL_MS per warm function (at once in this process:
 * tenantChanged). Written by shared/management/branding/.
 */

/** Auth0's gradient page background. */
export interface BrandingGradient {
  type: 'linear-gradient';
  start: string;
  end: string;
  angle_deg: number;
}

export interface BrandingColors {
  /** #rgb or #rrggbb. */
  primary?: string;
  /** A #rgb / #rrggbb colour, or a gradient. */
  page_background?: string | BrandingGradient;
}

export interface Branding {
  colors?: BrandingColors;
  /** https URLs only. */
  logo_url?: string;
  favicon_url?: string;
  font?: { url: string };
}

const cache = tenantCache(
  ttlCache<Branding>(TENANT_CACHE_TTL_MS, 1, async () => (await readTenantConfig<Branding>(brandingKey, false)).value ?? {}),
);

/** The tenant's branding; `{}` when it was never set. A copy: callers may change it. */
export async function loadBranding(): Promise<Branding> {
  return structuredClone((await cache('branding')) ?? {});
}
