import type { TenantSettings } from '#shared/tenant/settings';
import { DEFAULT_IDLE_SESSION_LIFETIME_HOURS, DEFAULT_SESSION_LIFETIME_HOURS } from '#shared/tenant/settings';

/** Auth0's UI locales (node-auth0 v7 TenantSettingsSupportedLocalesEnum). */
export const SUPPORTED_LOCALES = [
  'am', 'ar', 'ar-EG', 'ar-SA', 'az', 'bg', 'bn', 'bs', 'ca-ES', 'cnr', 'cs', 'cy', 'da', 'de', 'el', 'en', 'en-CA', 'es', 'es-AR',
  'es-MX', 'et', 'eu-ES', 'fa', 'fi', 'fr', 'fr-CA', 'fr-FR', 'gl-ES', 'gu', 'he', 'hi', 'hr', 'hu', 'hy', 'id', 'is', 'it', 'ja',
  'ka', 'kk', 'kn', 'ko', 'lt', 'lv', 'mk', 'ml', 'mn', 'mr', 'ms', 'my', 'nb', 'nl', 'nn', 'no', 'pa', 'pl', 'pt', 'pt-BR', 'pt-PT',
  'ro', 'ru', 'sk', 'sl', 'so', 'sq', 'sr', 'sv', 'sw', 'ta', 'te', 'th', 'tl', 'tr', 'uk', 'ur', 'vi', 'zgh', 'zh-CN', 'zh-HK',
  'zh-MO', 'zh-TW',
] as const;

/** Auth0's tenant flags (node-auth0 v7 TenantSettingsFlags, and the two its recordings show besides). Stored only. */
export const SETTABLE_FLAGS = [
  'change_pwd_flow_v1', 'enable_apis_section', 'disable_impersonation', 'enable_client_connections', 'enable_pipeline2',
  'allow_legacy_delegation_grant_types', 'allow_legacy_ro_grant_types', 'allow_legacy_tokeninfo_endpoint', 'enable_legacy_profile',
  'enable_idtoken_api2', 'enable_public_signup_user_exists_error', 'enable_sso', 'allow_changing_enable_sso',
  'disable_clickjack_protection_headers', 'no_disclose_enterprise_connections', 'enforce_client_authentication_on_passwordless_start',
  'enable_adfs_waad_email_verification', 'revoke_refresh_token_grant', 'dashboard_log_streams_next', 'dashboard_insights_view',
  'disable_fields_map_fix', 'mfa_show_factor_list_on_enrollment', 'remove_alg_from_jwks', 'improved_signup_bot_detection_in_classic',
  'genai_trial', 'local_resource_discovery', 'enable_dynamic_client_registration', 'disable_management_api_sms_obfuscation',
  'trust_azure_adfs_email_verified_connection_property', 'custom_domains_provisioning', 'universal_login',
  'new_universal_login_experience_enabled',
] as const;

/** Auth0 lists the Node versions of its sandbox; ours runs actions as node22 (shared/management/actions/triggers.ts). */
export const SANDBOX_VERSIONS = ['22', '18'] as const;

/**
 * What GET shows for a field never set: Auth0's defaults where a fresh Auth0 tenant shows them, and
 * only flags that describe this service truthfully (SSO on, the new Universal Login, no
 * impersonation, clickjacking headers sent).
 */
export const DEFAULT_FLAGS: Record<string, boolean> = {
  enable_sso: true,
  universal_login: true,
  new_universal_login_experience_enabled: true,
  disable_impersonation: true,
  disable_clickjack_protection_headers: false,
};

export type TenantSettingsView = TenantSettings & { sandbox_versions_available: string[] };

export function settingsView(stored: TenantSettings): TenantSettingsView {
  return {
    allowed_logout_urls: [],
    enabled_locales: ['en'],
    idle_session_lifetime: DEFAULT_IDLE_SESSION_LIFETIME_HOURS,
    session_lifetime: DEFAULT_SESSION_LIFETIME_HOURS,
    sandbox_version: SANDBOX_VERSIONS[0],
    session_cookie: { mode: 'persistent' },
    ...stored,
    flags: { ...DEFAULT_FLAGS, ...stored.flags },
    sandbox_versions_available: [...SANDBOX_VERSIONS],
  };
}
