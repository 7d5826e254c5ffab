import { hasAnyScope, type Caller } from '#shared/tenant/caller';
import { InsufficientScopeError } from '#shared/platform/errors';

/**
 * What a caller's scopes let it see and write of a client (Auth0's node SDK notes):
 * `read:client_summary` alone sees client_id, app_type, name and description; writing the secret
 * needs `update:client_keys` (or `update:client_credentials`).
 */
const FULL_READ_SCOPES = ['read:clients', 'read:client_keys', 'read:client_credentials'];
const SECRET_WRITE_SCOPES = ['update:client_keys', 'update:client_credentials'];

export const summaryOnly = (caller: Caller) => !hasAnyScope(caller, FULL_READ_SCOPES);

export function assertMayWriteSecret(caller: Caller): void {
  if (!hasAnyScope(caller, SECRET_WRITE_SCOPES)) throw new InsufficientScopeError(SECRET_WRITE_SCOPES);
}
