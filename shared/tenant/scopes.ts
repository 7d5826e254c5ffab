/**
 * Auth0's Management API scopes that this service knows. The seeded management client is granted
 * all of them (re-synced on every local start, so a new scope reaches an existing install).
 */
const crud = (resource: string) => ['read', 'create', 'update', 'delete'].map((verb) => `${verb}:${resource}`);

export const MANAGEMENT_SCOPES: readonly string[] = [
  ...crud('users'),
  ...crud('users_app_metadata'),
  'read:user_idp_tokens',
  ...crud('rules'),
  'read:rules_configs', 'update:rules_configs', 'delete:rules_configs',
  ...crud('actions'),
  'read:triggers', 'update:triggers',
  ...crud('clients'),
  ...crud('client_grants'),
  ...crud('connections'),
  ...crud('resource_servers'),
  'read:signing_keys', 'create:signing_keys', 'update:signing_keys',
  'read:logs', 'read:logs_users',
  'read:stats',
  // Our extension: declared search indexes (see README, "Declared search indexes").
  'read:search_indexes', 'create:search_indexes', 'delete:search_indexes',
];

/** Scopes by which a signed-in user's own token may change its user_metadata (Auth0's SPA scopes). */
export const CURRENT_USER_METADATA_SCOPES: readonly string[] = [
  'update:current_user_metadata',
  'create:current_user_metadata',
  'delete:current_user_metadata',
];
