import type { ClientRecord } from '#shared/db/clients-repo';

/**
 * An application's wire form: Auth0's fields, in the order its recordings show, a field never
 * set left out (as Auth0 does). The secret appears only where it is known: in the answer to the
 * create, rotate-secret or a PATCH that sets it (we keep a digest; docs/applications.md).
 */
export const CLIENT_FIELDS = [
  'client_id', 'name', 'description', 'app_type', 'logo_uri', 'is_first_party', 'oidc_conformant', 'callbacks',
  'allowed_origins', 'web_origins', 'client_metadata', 'allowed_logout_urls', 'jwt_configuration',
  'token_endpoint_auth_method', 'grant_types', 'sso_disabled', 'cross_origin_authentication', 'cross_origin_loc', 'custom_login_page_on',
  'is_token_endpoint_ip_header_trusted', 'refresh_token', 'client_secret', 'global',
] as const;

/** What `read:client_summary` alone may see (Auth0's node SDK notes). */
export const SUMMARY_FIELDS = ['client_id', 'app_type', 'name', 'description'] as const;

export function toWireClient(record: ClientRecord, secret?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    is_token_endpoint_ip_header_trusted: record.is_token_endpoint_ip_header_trusted ?? false,
    name: record.name,
  };
  if (record.description !== undefined) out.description = record.description;
  out.client_id = record.client_id;
  if (secret !== undefined) out.client_secret = secret;
  if (record.app_type !== undefined) out.app_type = record.app_type;
  if (record.logo_uri !== undefined) out.logo_uri = record.logo_uri;
  out.is_first_party = record.is_first_party;
  out.oidc_conformant = record.oidc_conformant ?? false;
  for (const list of ['callbacks', 'allowed_origins', 'web_origins', 'allowed_logout_urls'] as const) {
    if (record[list] !== undefined) out[list] = record[list];
  }
  if (record.client_metadata !== undefined) out.client_metadata = record.client_metadata;
  out.sso_disabled = record.sso_disabled ?? false;
  out.cross_origin_authentication = record.cross_origin_authentication ?? false;
  if (record.cross_origin_loc !== undefined) out.cross_origin_loc = record.cross_origin_loc;
  if (record.refresh_token !== undefined) out.refresh_token = record.refresh_token;
  out.jwt_configuration = record.jwt_configuration ?? { secret_encoded: false, lifetime_in_seconds: 36_000 };
  if (record.token_endpoint_auth_method !== undefined) out.token_endpoint_auth_method = record.token_endpoint_auth_method;
  out.grant_types = record.grant_types;
  out.custom_login_page_on = record.custom_login_page_on ?? true;
  return out;
}

/** Auth0's `fields`/`include_fields`, then what the caller's scopes may see (`visible`; undefined: all). */
export function projectClient(wire: Record<string, unknown>, fields: string[] | undefined, include: boolean, visible: readonly string[] | undefined): Record<string, unknown> {
  let out = wire;
  if (fields && fields.length > 0) out = Object.fromEntries(Object.entries(out).filter(([key]) => fields.includes(key) === include));
  if (visible) out = Object.fromEntries(Object.entries(out).filter(([key]) => visible.includes(key)));
  return out;
}
