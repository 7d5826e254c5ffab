import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { tenantSettingsKey } from '#shared/db/keys';
import { readTenantConfig } from '#shared/db/tenant-config-repo';

/**
 * The tenant's settings (Auth0's `/api/v2/tenants/settings`), as the hosted login and logout read
 * them: one GetItem, kept TENANT_CACHE_TTL_MS per warm function (at once in this process:
 * tenantChanged). Only what was set is stored; the helpers below apply Auth0's defaults.
 * Written by shared/management/tenant-settings/.
 */
export interface TenantSettings {
  friendly_name?: string;
  picture_url?: string;
  support_email?: string;
  support_url?: string;
  /** Tenant-level logout URLs: /v2/logout's returnTo when no client_id is given. */
  allowed_logout_urls?: string[];
  /** Hours: the SSO session's absolute lifetime. */
  session_lifetime?: number;
  /** Hours: the SSO session ends after this long unused. */
  idle_session_lifetime?: number;
  default_audience?: string;
  default_directory?: string;
  default_redirection_uri?: string;
  enabled_locales?: string[];
  flags?: Record<string, boolean>;
  session_cookie?: { mode: 'persistent' | 'non-persistent' };
  sandbox_version?: string;
  acr_values_supported?: string[];
}

/** Auth0's defaults (hours). */
export const DEFAULT_SESSION_LIFETIME_HOURS = 168;
export const DEFAULT_IDLE_SESSION_LIFETIME_HOURS = 72;

const cache = tenantCache(
  ttlCache<TenantSettings>(TENANT_CACHE_TTL_MS, 1, async () => (await readTenantConfig<TenantSettings>(tenantSettingsKey, false)).value ?? {}),
);

/** The stored settings (`{}` when never set). A copy: callers may change it. */
export async function loadTenantSettings(): Promise<TenantSettings> {
  return structuredClone((await cache('settings')) ?? {});
}

/** The SSO session's absolute lifetime in hours (Auth0's default 168, 7 days). */
export const sessionLifetimeHours = (settings: TenantSettings): number => settings.session_lifetime ?? DEFAULT_SESSION_LIFETIME_HOURS;

/** The SSO session's idle lifetime in hours (Auth0's default 72, 3 days). */
export const idleSessionLifetimeHours = (settings: TenantSettings): number =>
  settings.idle_session_lifetime ?? DEFAULT_IDLE_SESSION_LIFETIME_HOURS;

/** Whether the session cookie outlives the browser (Auth0's default `persistent`). */
export const persistentSessionCookie = (settings: TenantSettings): boolean => settings.session_cookie?.mode !== 'non-persistent';
