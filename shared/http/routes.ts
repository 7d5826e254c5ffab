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
  /** Which error shape the route speaks. */
  api: 'management' | 'oauth' | 'public';
  /** Management routes: a token needs any one of these scopes (Auth0's list, named in a 403). */
  scopes?: readonly string[];
  /** Further scopes that also pass the route check (the domain narrows what they allow). */
  alsoAccepts?: readonly string[];
  /** Table access the function needs; read-only functions get read-only grants. */
  data: 'read' | 'write';
  /** A function that hashes passwords needs more memory (CPU scales with it on Lambda). */
  hashesPasswords?: boolean;
}

export const routes = [
  { id: 'oauth-token', method: 'POST', path: '/oauth/token', handler: 'oauth/issue-token', api: 'oauth', data: 'read' },
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
] as const satisfies readonly RouteDef[];

export type RouteId = (typeof routes)[number]['id'];

export function routeById(id: RouteId): RouteDef {
  const route = routes.find((r) => r.id === id);
  if (!route) throw new Error(`Unknown route ${id}`);
  return route;
}
