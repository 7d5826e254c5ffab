/**
 * Every scope list the service uses, in one place: what the seeded management client holds, what
 * a user login may be granted, and which scopes reach one user through the Management API. Where
 * a list's order shows in an answer (a 403's "expected any of"), it is kept as Auth0 words it.
 */
const crud = (resource: string) => ['read', 'create', 'update', 'delete'].map((verb) => `${verb}:${resource}`);

/**
 * Auth0's Management API scopes that this service knows. The seeded management client is granted
 * all of them (re-synced on every local start, so a new scope reaches an existing install).
 */
export const MANAGEMENT_SCOPES: readonly string[] = [
  ...crud('users'),
  ...crud('users_app_metadata'),
  'read:user_idp_tokens',
  ...crud('rules'),
  'read:rules_configs', 'update:rules_configs', 'delete:rules_configs',
  ...crud('actions'),
  'read:triggers', 'update:triggers',
  ...crud('clients'),
  'read:client_keys', 'update:client_keys', 'read:client_credentials', 'update:client_credentials', 'read:client_summary',
  ...crud('client_grants'),
  ...crud('connections'),
  ...crud('resource_servers'),
  'read:signing_keys', 'create:signing_keys', 'update:signing_keys',
  'read:logs', 'read:logs_users',
  'read:stats',
  // Issue 11: the hosted login's configuration.
  'read:prompts', 'update:prompts', 'read:branding', 'update:branding', 'read:tenant_settings', 'update:tenant_settings',
  // Our extension: declared search indexes (see docs/search.md, "Declared search indexes").
  'read:search_indexes', 'create:search_indexes', 'delete:search_indexes',
];

// ---- Auth0's current-user scopes: a signed-in user's own Management API token reaches only them.

export const READ_CURRENT_USER = 'read:current_user';
export const DELETE_CURRENT_USER = 'delete:current_user';
export const UPDATE_CURRENT_USER_METADATA = 'update:current_user_metadata';
export const CREATE_CURRENT_USER_METADATA = 'create:current_user_metadata';
export const DELETE_CURRENT_USER_METADATA = 'delete:current_user_metadata';

/** Scopes by which a signed-in user's own token may change its user_metadata (Auth0's SPA scopes). */
export const CURRENT_USER_METADATA_SCOPES: readonly string[] = [
  UPDATE_CURRENT_USER_METADATA,
  CREATE_CURRENT_USER_METADATA,
  DELETE_CURRENT_USER_METADATA,
];

// ---- User logins (shared/authentication/login/scopes.ts) ----------------------------------------

/** OpenID Connect scopes a user login may be granted (offline_access only to clients allowed to refresh). */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];

/** The current-user scopes a user login may be granted for the Management API audience. */
export const USER_LOGIN_MANAGEMENT_SCOPES: readonly string[] = [READ_CURRENT_USER, ...CURRENT_USER_METADATA_SCOPES];

// ---- Acting on one user (shared/management/users/access.ts) --------------------------------------

/** Tenant-wide scopes that read any user. */
export const READ_ANY_USER_SCOPES: readonly string[] = ['read:users', 'read:user_idp_tokens'];
/** Tenant-wide scopes that delete any user. */
export const DELETE_ANY_USER_SCOPES: readonly string[] = ['delete:users'];
/** Changes anything about any user. */
export const UPDATE_USERS = 'update:users';
/** Changes only app_metadata, of any user. */
export const UPDATE_USERS_APP_METADATA = 'update:users_app_metadata';
export const UPDATE_ANY_USER_SCOPES: readonly string[] = [UPDATE_USERS, UPDATE_USERS_APP_METADATA];
