/**
 * The route table. CDK builds one Lambda and one API Gateway route per entry, the local server
 * serves exactly these, and the tests call handlers through it, so a route cannot exist in one
 * place and be missing in another.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  id: string;
  method: HttpMethod;
  /** API Gateway syntax: `{name}` is one path segment. */
  path: string;
  /** Module under functions/, without extension; it exports `handler`. */
  handler: string;
  /** Which error shape the route speaks (signup has Auth0's own `{name, code, description, statusCode}`). */
  api: 'management' | 'oauth' | 'signup' | 'public';
  /** Management routes: a token needs any one of these scopes (Auth0's list, named in a 403). */
  scopes?: readonly string[];
  /** Further scopes that also pass the route check (the domain narrows what they allow). */
  alsoAccepts?: readonly string[];
  /** Table access the function needs; read-only functions get read-only grants. */
  data: 'read' | 'write';
  /** A function that hashes passwords needs more memory (CPU scales with it on Lambda). */
  hashesPasswords?: boolean;
  /** The function runs logins: it may invoke the extensions runner (rules and actions). */
  runsExtensions?: boolean;
  /** The function starts background jobs: it may invoke the jobs function. */
  launchesJobs?: boolean;
  /** The function signs tokens: in AWS it alone may use the KMS signing key (kms:Sign). */
  issuesTokens?: boolean;
}

export const routes = [
  {
    id: 'oauth-token', method: 'POST', path: '/oauth/token', handler: 'oauth/issue-token', api: 'oauth', data: 'write',
    hashesPasswords: true, runsExtensions: true, issuesTokens: true,
  },
  { id: 'userinfo', method: 'GET', path: '/userinfo', handler: 'oauth/get-userinfo', api: 'oauth', data: 'read' },
  {
    id: 'signup', method: 'POST', path: '/dbconnections/signup', handler: 'dbconnections/signup', api: 'signup', data: 'write',
    hashesPasswords: true,
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
    scopes: ['create:users'], data: 'write', hashesPasswords: true,
  },
  {
    id: 'users-update', method: 'PATCH', path: '/api/v2/users/{id}', handler: 'users/update-user', api: 'management',
    scopes: ['update:users', 'update:users_app_metadata', 'update:current_user_metadata'],
    alsoAccepts: ['create:current_user_metadata', 'delete:current_user_metadata'],
    data: 'write', hashesPasswords: true,
  },
  {
    id: 'users-delete', method: 'DELETE', path: '/api/v2/users/{id}', handler: 'users/delete-user', api: 'management',
    scopes: ['delete:users', 'delete:current_user'], data: 'write',
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
] as const satisfies readonly RouteDef[];

export type RouteId = (typeof routes)[number]['id'];

export function routeById(id: RouteId): RouteDef {
  const route = routes.find((r) => r.id === id);
  if (!route) throw new Error(`Unknown route ${id}`);
  return route;
}
