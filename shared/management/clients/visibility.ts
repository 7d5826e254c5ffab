import { hasAnyScope, type Caller } from '#shared/tenant/caller';
import { InsufficientScopeError } from '#shared/platform/errors';
import { SUMMARY_FIELDS } from '#shared/management/clients/model';

/**
 * What a caller's scopes let it see and write of a client (Auth0's node SDK notes, fact sheet §1):
 * - any read scope sees client_id, app_type, name and description; `read:clients` or
 *   `read:client_keys` see the settings; `read:client_credentials` adds only the credential fields
 *   (of ours, client_secret, which a read never shows: we keep a digest);
 * - the PATCH route admits update:clients, update:client_keys and update:client_credentials, but
 *   only update:clients changes the settings and only update:client_keys writes the secret.
 *   update:client_credentials governs client_authentication_methods, which we do not support.
 */
const FULL_READ_SCOPES = ['read:clients', 'read:client_keys'];
const CREDENTIAL_READ_SCOPES = ['read:client_credentials'];
const CREDENTIAL_FIELDS = ['client_secret'] as const;
const SETTINGS_WRITE_SCOPES = ['update:clients'];
const SECRET_WRITE_SCOPES = ['update:client_keys'];

/** The fields the caller may see, or undefined for all of them. */
export function visibleFields(caller: Caller): readonly string[] | undefined {
  if (hasAnyScope(caller, FULL_READ_SCOPES)) return undefined;
  if (hasAnyScope(caller, CREDENTIAL_READ_SCOPES)) return [...SUMMARY_FIELDS, ...CREDENTIAL_FIELDS];
  return SUMMARY_FIELDS;
}

/** A PATCH body's fields, each checked against the one scope that governs it; nothing is written on a refusal. */
export function assertMayUpdate(caller: Caller, body: Record<string, unknown>): void {
  const named = Object.keys(body).filter((key) => body[key] !== undefined);
  if (named.some((key) => key !== 'client_secret') && !hasAnyScope(caller, SETTINGS_WRITE_SCOPES)) {
    throw new InsufficientScopeError(SETTINGS_WRITE_SCOPES);
  }
  if (named.includes('client_secret') && !hasAnyScope(caller, SECRET_WRITE_SCOPES)) throw new InsufficientScopeError(SECRET_WRITE_SCOPES);
}
