import type { RouteDef } from '#shared/http/routes';

/**
 * Which nested stack holds a route's function: its feature group, read from the folder of its
 * handler under functions/. The groups follow the layered layout's feature areas
 * (docs/architecture.md); each is one nested stack of the app (docs/deploying.md, "Stacks").
 *
 * A new folder under functions/ must be named here: synth fails until it is, rather than
 * guessing a group (moving a route between groups later replaces its function).
 */
export const ROUTE_GROUPS = {
  /** The Authentication API and the browser login: tokens, signup, discovery, /authorize, the hosted pages, Lock. */
  authentication: ['oauth', 'dbconnections', 'discovery', 'authorize', 'universal-login', 'logout', 'lock'],
  /** The Management API's users and what hangs off them: blocks, search indexes, jobs. */
  users: ['users', 'user-blocks', 'search-indexes', 'jobs'],
  /** The Management API's tenant configuration: applications, APIs, grants, connections, keys, settings. */
  tenant: ['clients', 'client-grants', 'resource-servers', 'connections', 'keys', 'prompts', 'branding', 'tenants'],
  /** The Management API's login-time code: rules, their configuration, actions. */
  extensions: ['rules', 'rules-configs', 'actions'],
} as const satisfies Record<string, readonly string[]>;

export type RouteGroup = keyof typeof ROUTE_GROUPS;

/**
 * What CloudFormation allows per template is 500 resources; the project keeps every template at
 * or under this budget, so the routes an issue adds never meet the hard limit mid-deploy.
 */
export const RESOURCE_BUDGET = 450;

/**
 * API Gateway allows 300 integrations per HTTP API, a quota that cannot be raised, and each route
 * has its own. A route moving between groups holds two for one deploy (the new one is made before
 * the old goes), so 50 are kept spare: at most 50 routes move in one deploy.
 */
export const API_ROUTE_BUDGET = 250;

export function routeGroupOf(route: RouteDef): RouteGroup {
  const folder = route.handler.split('/')[0];
  for (const [group, folders] of Object.entries(ROUTE_GROUPS) as [RouteGroup, readonly string[]][]) {
    if (folder !== undefined && folders.includes(folder)) return group;
  }
  throw new Error(
    `Route ${route.id}: its handler folder functions/${folder}/ belongs to no route group; name it in ROUTE_GROUPS (infra/route-groups.ts)`,
  );
}

/** The route table split by group, in table order (an empty group makes no stack). */
export function groupRoutes(table: readonly RouteDef[]): Map<RouteGroup, RouteDef[]> {
  const groups = new Map<RouteGroup, RouteDef[]>();
  for (const route of table) {
    const group = routeGroupOf(route);
    groups.set(group, [...(groups.get(group) ?? []), route]);
  }
  return groups;
}
