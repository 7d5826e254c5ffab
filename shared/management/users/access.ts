import { hasAnyScope, type Caller } from '#shared/tenant/caller';
import { CURRENT_USER_METADATA_SCOPES } from '#shared/tenant/scopes';
import { ForbiddenError, InsufficientScopeError } from '#shared/platform/errors';

/**
 * Who may do what to which user. Tenant-wide scopes reach every user; Auth0's current-user scopes
 * reach only the user named by the token's `sub`, and only their `user_metadata`.
 */
const READ_ANY = ['read:users', 'read:user_idp_tokens'];
const DELETE_ANY = ['delete:users'];

const isSelf = (caller: Caller, userId: string) => caller.isUser && caller.subject === userId;

export function assertCanRead(caller: Caller, userId: string): void {
  if (hasAnyScope(caller, READ_ANY)) return;
  if (isSelf(caller, userId) && caller.scopes.has('read:current_user')) return;
  throw new InsufficientScopeError(READ_ANY);
}

export function assertCanDelete(caller: Caller, userId: string): void {
  if (hasAnyScope(caller, DELETE_ANY)) return;
  if (isSelf(caller, userId) && caller.scopes.has('delete:current_user')) return;
  throw new InsufficientScopeError(DELETE_ANY);
}

/** How a permitted update must be written. */
export interface UpdatePermission {
  /** Only add user_metadata keys that do not exist yet (create:current_user_metadata alone). */
  createOnlyUserMetadata: boolean;
}

/**
 * Checks an update body against the caller's scopes: `update:users` may change anything;
 * `update:users_app_metadata` only app_metadata; the user's own token only its user_metadata,
 * with `update:` (set and delete), `create:` (add new keys) or `delete:` (remove keys).
 */
export function assertCanUpdate(caller: Caller, userId: string, body: Record<string, unknown>): UpdatePermission {
  if (caller.scopes.has('update:users')) return { createOnlyUserMetadata: false };
  const self = isSelf(caller, userId);
  const allowed = new Set<string>();
  if (caller.scopes.has('update:users_app_metadata')) allowed.add('app_metadata');
  if (self && hasAnyScope(caller, CURRENT_USER_METADATA_SCOPES)) allowed.add('user_metadata');
  if (allowed.size === 0) throw new InsufficientScopeError(['update:users', 'update:users_app_metadata']);

  const refused = Object.keys(body).filter((field) => !allowed.has(field));
  if (refused.length > 0) throw new ForbiddenError(`You cannot update the following fields: ${refused.join(', ')}`);
  if (!body.user_metadata) return { createOnlyUserMetadata: false };
  return selfMetadataPermission(caller, body.user_metadata as Record<string, unknown>);
}

function selfMetadataPermission(caller: Caller, patch: Record<string, unknown>): UpdatePermission {
  const canUpdate = caller.scopes.has('update:current_user_metadata');
  if (canUpdate) return { createOnlyUserMetadata: false };
  const values = Object.values(patch);
  const removes = values.length === 0 || values.some((v) => v === null);
  const sets = values.some((v) => v !== null);
  if (removes && !caller.scopes.has('delete:current_user_metadata')) {
    throw new InsufficientScopeError(['update:current_user_metadata', 'delete:current_user_metadata']);
  }
  if (sets && !caller.scopes.has('create:current_user_metadata')) {
    throw new InsufficientScopeError(['update:current_user_metadata', 'create:current_user_metadata']);
  }
  return { createOnlyUserMetadata: sets };
}
