/**
 * The route table. CDK builds one Lambda and one API Gateway route per entry, the local server
 * serves exactly these, and the tests call handlers through it, so a route cannot exist in one
 * place and be missing in another.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface RouteDef {
  id: string;
  method: HttpMethod;
  /** API Gateway syntax: `{name}` is one path segment. */
  path: string;
  /** Module under functions/, without extension; it exports `handler`. */
  handler: string;
  /**
   * Which error shape the route speaks (signup has Auth0's own `{name, code, description, statusCode}`;
   * `page` routes answer a browser, so their errors are an HTML page).
   */
  api: 'management' | 'oauth' | 'signup' | 'public' | 'page';
  /** Management routes: a token needs any one of these scopes (Auth0's list, named in a 403). */
  scopes?: readonly string[];
  /** The token needs every one of `scopes`, not any one (Auth0's key rotation needs create and update). */
  requiresAllScopes?: boolean;
  /** Further scopes that also pass the route check (the domain narrows what they allow). */
  alsoAccepts?: readonly string[];
  /** Table access the function needs; read-only functions get read-only grants. */
  data: 'read' | 'write';
  /** A function that hashes passwords needs more memory (CPU scales with it on Lambda). */
  hashesPasswords?: boolean;
  /**
   * The function runs logins or custom database scripts: it may invoke the extensions runner (rules,
   * actions, and a custom database connection's scripts, which run in the same sandbox).
   */
  runsExtensions?: boolean;
  /** The function starts background jobs: it may invoke the jobs function. */
  launchesJobs?: boolean;
  /** The function signs tokens: in AWS it alone may use the KMS signing key (kms:Sign). */
  issuesTokens?: boolean;
  /**
   * Signing keys in KMS (AWS), only keys tagged for the stack: 'create' makes one, reads its public
   * half and certifies it (rotation); 'retire' schedules its deletion (revocation).
   */
  kmsKeys?: 'create' | 'retire';
}

export const routes = [
  {
    id: 'oauth-token', method: 'POST', path: '/oauth/token', handler: 'oauth/issue-token', api: 'oauth', data: 'write',
    hashesPasswords: true, runsExtensions: true, issuesTokens: true,
  },
  { id: 'userinfo', method: 'GET', path: '/userinfo', handler: 'oauth/get-userinfo', api: 'oauth', data: 'read' },
  { id: 'userinfo-preflight', method: 'OPTIONS', path: '/userinfo', handler: 'oauth/userinfo-preflight', api: 'oauth', data: 'read' },
  {
    id: 'signup', method: 'POST', path: '/dbconnections/signup', handler: 'dbconnections/signup', api: 'signup', data: 'write',
    hashesPasswords: true, runsExtensions: true,
  },
  // Browser login (Universal Login): /authorize, the hosted screens, logout.
  {
    id: 'authorize', method: 'GET', path: '/authorize', handler: 'authorize/authorize', api: 'page', data: 'write',
    runsExtensions: true, issuesTokens: true,
  },
  { id: 'login-screen', method: 'GET', path: '/u/{screen}', handler: 'universal-login/get-screen', api: 'page', data: 'read' },
  {
    id: 'login-submit', method: 'POST', path: '/u/{screen}', handler: 'universal-login/post-screen', api: 'page', data: 'write',
    hashesPasswords: true, runsExtensions: true, issuesTokens: true,
  },
  { id: 'logout', method: 'GET', path: '/v2/logout', handler: 'logout/logout', api: 'page', data: 'write' },
  { id: 'oidc-logout', method: 'GET', path: '/oidc/logout', handler: 'logout/oidc-logout', api: 'page', data: 'write' },
  { id: 'oauth-token-preflight', method: 'OPTIONS', path: '/oauth/token', handler: 'oauth/token-preflight', api: 'oauth', data: 'read' },
  { id: 'oauth-revoke', method: 'POST', path: '/oauth/revoke', handler: 'oauth/revoke-token', api: 'oauth', data: 'write' },
  { id: 'oauth-revoke-preflight', method: 'OPTIONS', path: '/oauth/revoke', handler: 'oauth/revoke-preflight', api: 'oauth', data: 'read' },
  // Lock embedded in an application (issue 12): its client settings, cross-origin authentication, CORS.
  { id: 'signup-preflight', method: 'OPTIONS', path: '/dbconnections/signup', handler: 'dbconnections/signup-preflight', api: 'signup', data: 'read' },
  { id: 'lock-client-settings', method: 'GET', path: '/client/{file}', handler: 'lock/get-client-settings', api: 'public', data: 'read' },
  {
    id: 'co-authenticate', method: 'POST', path: '/co/authenticate', handler: 'lock/co-authenticate', api: 'oauth', data: 'write',
    hashesPasswords: true, runsExtensions: true, // a custom database's login script
  },
  { id: 'co-authenticate-preflight', method: 'OPTIONS', path: '/co/authenticate', handler: 'lock/co-authenticate-preflight', api: 'oauth', data: 'read' },
  {
    id: 'co-verify', method: 'POST', path: '/co/verify', handler: 'lock/co-verify', api: 'page', data: 'write',
    runsExtensions: true, issuesTokens: true,
  },
  { id: 'jwks', method: 'GET', path: '/.well-known/jwks.json', handler: 'discovery/get-jwks', api: 'public', data: 'read' },
  {
    id: 'openid-configuration', method: 'GET', path: '/.well-known/openid-configuration',
    handler: 'discovery/get-openid-configuration', api: 'public', data: 'read',
  },
  {
    id: 'users-list', method: 'GET', path: '/api/v2/users', handler: 'users/list-users', api: 'management',
    scopes: ['read:users', 'read:user_idp_tokens'], data: 'read',
  },
  {
    id: 'users-by-email', method: 'GET', path: '/api/v2/users-by-email', handler: 'users/get-users-by-email',
    api: 'management', scopes: ['read:users'], data: 'read',
  },
  {
    id: 'users-get', method: 'GET', path: '/api/v2/users/{id}', handler: 'users/get-user', api: 'management',
    scopes: ['read:users', 'read:current_user', 'read:user_idp_tokens'], data: 'read',
  },
  {
    id: 'users-create', method: 'POST', path: '/api/v2/users', handler: 'users/create-user', api: 'management',
    scopes: ['create:users'], data: 'write', hashesPasswords: true, runsExtensions: true, // get_user, create, login scripts
  },
  {
    id: 'users-update', method: 'PATCH', path: '/api/v2/users/{id}', handler: 'users/update-user', api: 'management',
    scopes: ['update:users', 'update:users_app_metadata', 'update:current_user_metadata'],
    alsoAccepts: ['create:current_user_metadata', 'delete:current_user_metadata'],
    data: 'write', hashesPasswords: true, runsExtensions: true, // change_email, change_password, verify scripts
  },
  {
    id: 'users-delete', method: 'DELETE', path: '/api/v2/users/{id}', handler: 'users/delete-user', api: 'management',
    scopes: ['delete:users', 'delete:current_user'], data: 'write', runsExtensions: true, // the delete script
  },
  {
    id: 'user-blocks-get', method: 'GET', path: '/api/v2/user-blocks/{id}', handler: 'user-blocks/get-user-blocks',
    api: 'management', scopes: ['read:users'], data: 'read',
  },
  {
    id: 'user-blocks-delete', method: 'DELETE', path: '/api/v2/user-blocks/{id}', handler: 'user-blocks/delete-user-blocks',
    api: 'management', scopes: ['update:users'], data: 'write',
  },
  { id: 'rules-list', method: 'GET', path: '/api/v2/rules', handler: 'rules/list-rules', api: 'management', scopes: ['read:rules'], data: 'read' },
  { id: 'rules-create', method: 'POST', path: '/api/v2/rules', handler: 'rules/create-rule', api: 'management', scopes: ['create:rules'], data: 'write' },
  { id: 'rules-get', method: 'GET', path: '/api/v2/rules/{id}', handler: 'rules/get-rule', api: 'management', scopes: ['read:rules'], data: 'read' },
  { id: 'rules-update', method: 'PATCH', path: '/api/v2/rules/{id}', handler: 'rules/update-rule', api: 'management', scopes: ['update:rules'], data: 'write' },
  { id: 'rules-delete', method: 'DELETE', path: '/api/v2/rules/{id}', handler: 'rules/delete-rule', api: 'management', scopes: ['delete:rules'], data: 'write' },
  {
    id: 'rules-configs-list', method: 'GET', path: '/api/v2/rules-configs', handler: 'rules-configs/list-rules-configs',
    api: 'management', scopes: ['read:rules_configs'], data: 'read',
  },
  {
    id: 'rules-configs-put', method: 'PUT', path: '/api/v2/rules-configs/{key}', handler: 'rules-configs/put-rules-config',
    api: 'management', scopes: ['update:rules_configs'], data: 'write',
  },
  {
    id: 'rules-configs-delete', method: 'DELETE', path: '/api/v2/rules-configs/{key}', handler: 'rules-configs/delete-rules-config',
    api: 'management', scopes: ['delete:rules_configs'], data: 'write',
  },
  {
    id: 'actions-list', method: 'GET', path: '/api/v2/actions/actions', handler: 'actions/list-actions',
    api: 'management', scopes: ['read:actions'], data: 'read',
  },
  {
    id: 'actions-create', method: 'POST', path: '/api/v2/actions/actions', handler: 'actions/create-action',
    api: 'management', scopes: ['create:actions'], data: 'write',
  },
  {
    id: 'actions-get', method: 'GET', path: '/api/v2/actions/actions/{id}', handler: 'actions/get-action',
    api: 'management', scopes: ['read:actions'], data: 'read',
  },
  {
    id: 'actions-update', method: 'PATCH', path: '/api/v2/actions/actions/{id}', handler: 'actions/update-action',
    api: 'management', scopes: ['update:actions'], data: 'write',
  },
  {
    id: 'actions-delete', method: 'DELETE', path: '/api/v2/actions/actions/{id}', handler: 'actions/delete-action',
    api: 'management', scopes: ['delete:actions'], data: 'write',
  },
  {
    id: 'actions-deploy', method: 'POST', path: '/api/v2/actions/actions/{id}/deploy', handler: 'actions/deploy-action',
    api: 'management', scopes: ['create:actions'], data: 'write',
  },
  {
    id: 'actions-bindings-get', method: 'GET', path: '/api/v2/actions/triggers/{triggerId}/bindings',
    handler: 'actions/get-trigger-bindings', api: 'management', scopes: ['read:actions'], data: 'read',
  },
  {
    id: 'actions-bindings-update', method: 'PATCH', path: '/api/v2/actions/triggers/{triggerId}/bindings',
    handler: 'actions/update-trigger-bindings', api: 'management', scopes: ['update:actions'], data: 'write',
  },
  {
    id: 'search-indexes-list', method: 'GET', path: '/api/v2/search-indexes', handler: 'search-indexes/list-search-indexes',
    api: 'management', scopes: ['read:search_indexes'], data: 'read',
  },
  {
    id: 'search-indexes-create', method: 'POST', path: '/api/v2/search-indexes', handler: 'search-indexes/create-search-index',
    api: 'management', scopes: ['create:search_indexes'], data: 'write', launchesJobs: true,
  },
  {
    id: 'search-indexes-get', method: 'GET', path: '/api/v2/search-indexes/{path}', handler: 'search-indexes/get-search-index',
    api: 'management', scopes: ['read:search_indexes'], data: 'read',
  },
  {
    id: 'search-indexes-delete', method: 'DELETE', path: '/api/v2/search-indexes/{path}', handler: 'search-indexes/delete-search-index',
    api: 'management', scopes: ['delete:search_indexes'], data: 'write', launchesJobs: true,
  },
  { id: 'jobs-get', method: 'GET', path: '/api/v2/jobs/{id}', handler: 'jobs/get-job', api: 'management', scopes: ['create:users', 'read:users'], data: 'read' },
  // ---- The tenant (issue 10): applications, APIs, client grants, connections, signing keys.
  {
    id: 'clients-list', method: 'GET', path: '/api/v2/clients', handler: 'clients/list-clients',
    api: 'management', scopes: ['read:clients', 'read:client_keys', 'read:client_credentials', 'read:client_summary'], data: 'read',
  },
  {
    id: 'clients-create', method: 'POST', path: '/api/v2/clients', handler: 'clients/create-client',
    api: 'management', scopes: ['create:clients'], data: 'write',
  },
  {
    id: 'clients-get', method: 'GET', path: '/api/v2/clients/{id}', handler: 'clients/get-client',
    api: 'management', scopes: ['read:clients', 'read:client_keys', 'read:client_credentials', 'read:client_summary'], data: 'read',
  },
  {
    id: 'clients-update', method: 'PATCH', path: '/api/v2/clients/{id}', handler: 'clients/update-client',
    api: 'management', scopes: ['update:clients', 'update:client_keys', 'update:client_credentials'], data: 'write',
  },
  {
    id: 'clients-delete', method: 'DELETE', path: '/api/v2/clients/{id}', handler: 'clients/delete-client',
    api: 'management', scopes: ['delete:clients'], data: 'write',
  },
  {
    id: 'clients-rotate-secret', method: 'POST', path: '/api/v2/clients/{id}/rotate-secret', handler: 'clients/rotate-client-secret',
    api: 'management', scopes: ['update:client_keys'], data: 'write',
  },
  {
    id: 'resource-servers-list', method: 'GET', path: '/api/v2/resource-servers', handler: 'resource-servers/list-resource-servers',
    api: 'management', scopes: ['read:resource_servers'], data: 'read',
  },
  {
    id: 'resource-servers-create', method: 'POST', path: '/api/v2/resource-servers', handler: 'resource-servers/create-resource-server',
    api: 'management', scopes: ['create:resource_servers'], data: 'write',
  },
  {
    id: 'resource-servers-get', method: 'GET', path: '/api/v2/resource-servers/{id}', handler: 'resource-servers/get-resource-server',
    api: 'management', scopes: ['read:resource_servers'], data: 'read',
  },
  {
    id: 'resource-servers-update', method: 'PATCH', path: '/api/v2/resource-servers/{id}', handler: 'resource-servers/update-resource-server',
    api: 'management', scopes: ['update:resource_servers'], data: 'write',
  },
  {
    id: 'resource-servers-delete', method: 'DELETE', path: '/api/v2/resource-servers/{id}', handler: 'resource-servers/delete-resource-server',
    api: 'management', scopes: ['delete:resource_servers'], data: 'write',
  },
  {
    id: 'client-grants-list', method: 'GET', path: '/api/v2/client-grants', handler: 'client-grants/list-client-grants',
    api: 'management', scopes: ['read:client_grants'], data: 'read',
  },
  {
    id: 'client-grants-create', method: 'POST', path: '/api/v2/client-grants', handler: 'client-grants/create-client-grant',
    api: 'management', scopes: ['create:client_grants'], data: 'write',
  },
  {
    id: 'client-grants-get', method: 'GET', path: '/api/v2/client-grants/{id}', handler: 'client-grants/get-client-grant',
    api: 'management', scopes: ['read:client_grants'], data: 'read',
  },
  {
    id: 'client-grants-update', method: 'PATCH', path: '/api/v2/client-grants/{id}', handler: 'client-grants/update-client-grant',
    api: 'management', scopes: ['update:client_grants'], data: 'write',
  },
  {
    id: 'client-grants-delete', method: 'DELETE', path: '/api/v2/client-grants/{id}', handler: 'client-grants/delete-client-grant',
    api: 'management', scopes: ['delete:client_grants'], data: 'write',
  },
  {
    id: 'connections-list', method: 'GET', path: '/api/v2/connections', handler: 'connections/list-connections',
    api: 'management', scopes: ['read:connections'], data: 'read',
  },
  {
    id: 'connections-create', method: 'POST', path: '/api/v2/connections', handler: 'connections/create-connection',
    api: 'management', scopes: ['create:connections'], data: 'write',
  },
  {
    id: 'connections-get', method: 'GET', path: '/api/v2/connections/{id}', handler: 'connections/get-connection',
    api: 'management', scopes: ['read:connections'], data: 'read',
  },
  {
    id: 'connections-update', method: 'PATCH', path: '/api/v2/connections/{id}', handler: 'connections/update-connection',
    api: 'management', scopes: ['update:connections'], data: 'write',
  },
  {
    id: 'connections-delete', method: 'DELETE', path: '/api/v2/connections/{id}', handler: 'connections/delete-connection',
    api: 'management', scopes: ['delete:connections'], data: 'write', launchesJobs: true,
  },
  {
    id: 'connections-clients-get', method: 'GET', path: '/api/v2/connections/{id}/clients', handler: 'connections/get-connection-clients',
    api: 'management', scopes: ['read:connections'], data: 'read',
  },
  {
    id: 'connections-clients-update', method: 'PATCH', path: '/api/v2/connections/{id}/clients', handler: 'connections/update-connection-clients',
    api: 'management', scopes: ['update:connections'], data: 'write',
  },
  {
    id: 'signing-keys-list', method: 'GET', path: '/api/v2/keys/signing', handler: 'keys/list-signing-keys',
    api: 'management', scopes: ['read:signing_keys'], data: 'read',
  },
  {
    id: 'signing-keys-rotate', method: 'POST', path: '/api/v2/keys/signing/rotate', handler: 'keys/rotate-signing-key',
    api: 'management', scopes: ['create:signing_keys', 'update:signing_keys'], requiresAllScopes: true, data: 'write', kmsKeys: 'create',
  },
  {
    id: 'signing-keys-get', method: 'GET', path: '/api/v2/keys/signing/{kid}', handler: 'keys/get-signing-key',
    api: 'management', scopes: ['read:signing_keys'], data: 'read',
  },
  {
    id: 'signing-keys-revoke', method: 'PUT', path: '/api/v2/keys/signing/{kid}/revoke', handler: 'keys/revoke-signing-key',
    api: 'management', scopes: ['update:signing_keys'], data: 'write', kmsKeys: 'retire',
  },
  {
    id: 'prompts-partials-get', method: 'GET', path: '/api/v2/prompts/{prompt}/partials', handler: 'prompts/get-partials',
    api: 'management', scopes: ['read:prompts'], data: 'read',
  },
  {
    id: 'prompts-partials-put', method: 'PUT', path: '/api/v2/prompts/{prompt}/partials', handler: 'prompts/put-partials',
    api: 'management', scopes: ['update:prompts'], data: 'write',
  },
  { id: 'branding-get', method: 'GET', path: '/api/v2/branding', handler: 'branding/get-branding', api: 'management', scopes: ['read:branding'], data: 'read' },
  {
    id: 'branding-update', method: 'PATCH', path: '/api/v2/branding', handler: 'branding/update-branding',
    api: 'management', scopes: ['update:branding'], data: 'write',
  },
  {
    id: 'tenant-settings-get', method: 'GET', path: '/api/v2/tenants/settings', handler: 'tenants/get-settings',
    api: 'management', scopes: ['read:tenant_settings'], data: 'read',
  },
  {
    id: 'tenant-settings-update', method: 'PATCH', path: '/api/v2/tenants/settings', handler: 'tenants/update-settings',
    api: 'management', scopes: ['update:tenant_settings'], data: 'write',
  },
] as const satisfies readonly RouteDef[];

export type RouteId = (typeof routes)[number]['id'];

export function routeById(id: RouteId): RouteDef {
  const route = routes.find((r) => r.id === id);
  if (!route) throw new Error(`Unknown route ${id}`);
  return route;
}
