import { hasAnyScope, type Caller } from '#shared/tenant/caller';
import {
  CREATE_CURRENT_USER_METADATA,
  CURRENT_USER_METADATA_SCOPES,
  DELETE_ANY_USER_SCOPES,
  DELETE_CURRENT_USER,
  DELETE_CURRENT_USER_METADATA,
  READ_ANY_USER_SCOPES,
  READ_CURRENT_USER,
  UPDATE_ANY_USER_SCOPES,
  UPDATE_CURRENT_USER_METADATA,
  UPDATE_USERS,
  UPDATE_USERS_APP_METADATA,
} from '#shared/tenant/scopes';
import { FieldsNotUpdatableError } from '#shared/management/errors';
import { InsufficientScopeError } from '#shared/platform/errors';

/**
 * Who may do what to which user. Tenant-wide scopes reach every user; Auth0's current-user scopes
 * reach only the user named by the token's `sub`, and only their `user_metadata`.
 */
const isSelf = (caller: Caller, userId: string) => caller.isUser && caller.subject === userId;

export function assertCanRead(caller: Caller, userId: string): void {
  if (hasAnyScope(caller, READ_ANY_USER_SCOPES)) return;
  if (isSelf(caller, userId) && caller.scopes.has(READ_CURRENT_USER)) return;
  throw new InsufficientScopeError(READ_ANY_USER_SCOPES);
}

export function assertCanDelete(caller: Caller, userId: string): void {
  if (hasAnyScope(caller, DELETE_ANY_USER_SCOPES)) return;
  if (isSelf(caller, userId) && caller.scopes.has(DELETE_CURRENT_USER)) return;
  throw new InsufficientScopeError(DELETE_ANY_USER_SCOPES);
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
  if (caller.scopes.has(UPDATE_USERS)) return { createOnlyUserMetadata: false };
  const self = isSelf(caller, userId);
  const allowed = new Set<string>();
  if (caller.scopes.has(UPDATE_USERS_APP_METADATA)) allowed.add('app_metadata');
  if (self && hasAnyScope(caller, CURRENT_USER_METADATA_SCOPES)) allowed.add('user_metadata');
  if (allowed.size === 0) throw new InsufficientScopeError(UPDATE_ANY_USER_SCOPES);

  const refused = Object.keys(body).filter((field) => !allowed.has(field));
  if (refused.length > 0) throw new FieldsNotUpdatableError(refused);
  if (!body.user_metadata) return { createOnlyUserMetadata: false };
  return selfMetadataPermission(caller, body.user_metadata as Record<string, unknown>);
}

function selfMetadataPermission(caller: Caller, patch: Record<string, unknown>): UpdatePermission {
  const canUpdate = caller.scopes.has(UPDATE_CURRENT_USER_METADATA);
  if (canUpdate) return { createOnlyUserMetadata: false };
  const values = Object.values(patch);
  const removes = values.length === 0 || values.some((v) => v === null);
  const sets = values.some((v) => v !== null);
  if (removes && !caller.scopes.has(DELETE_CURRENT_USER_METADATA)) {
    throw new InsufficientScopeError([UPDATE_CURRENT_USER_METADATA, DELETE_CURRENT_USER_METADATA]);
  }
  if (sets && !caller.scopes.has(CREATE_CURRENT_USER_METADATA)) {
    throw new InsufficientScopeError([UPDATE_CURRENT_USER_METADATA, CREATE_CURRENT_USER_METADATA]);
  }
  return { createOnlyUserMetadata: sets };
}
