import { managementAudience } from '#shared/platform/config';
import type { ClientRecord } from '#shared/db/clients-repo';
import { OIDC_SCOPES, USER_LOGIN_MANAGEMENT_SCOPES } from '#shared/tenant/scopes';
import { apiScopes, type Api } from '#shared/tenant/resource-servers';
import { apiFor } from '#shared/authentication/tokens/audiences';

/**
 * What a user login may be granted: OIDC scopes, and for its `audience`:
 * - the Management API: Auth0's current-user scopes, which reach only the signed-in user;
 * - a custom API: the requested scopes that API defines.
 * offline_access needs a client allowed to refresh and, for a custom API, its allow_offline_access.
 * Scopes asked for but not grantable are left out of the token (and of the response's `scope`),
 * as Auth0 does. The access token lives the API's token_lifetime (the tenant default without an API).
 */
export interface GrantedScopes {
  scopes: string[];
  audience: string | undefined;
  /** Seconds; undefined: the tenant's ACCESS_TOKEN_TTL_SECONDS. */
  accessTokenLifetime: number | undefined;
}

export async function negotiateScopes(client: ClientRecord, requested: string | undefined, audience: string | undefined): Promise<GrantedScopes> {
  const api = audience === undefined ? undefined : await apiFor(audience);
  const asked = [...new Set((requested ?? '').split(' ').filter(Boolean))];
  return { scopes: grantable(client, api, asked), audience, accessTokenLifetime: api?.token_lifetime };
}

/**
 * A refresh keeps the session's scopes that are still grantable: an API that dropped a scope, or
 * stopped allowing offline access, no longer sees it in new access tokens.
 */
export async function renegotiateScopes(client: ClientRecord, held: readonly string[], audience: string | undefined): Promise<GrantedScopes> {
  return negotiateScopes(client, held.join(' '), audience);
}

function grantable(client: ClientRecord, api: Readonly<Api> | undefined, asked: readonly string[]): string[] {
  const custom = api !== undefined && api.identifier !== managementAudience ? apiScopes(api) : undefined;
  return asked.filter((scope) => {
    if (scope === 'offline_access') return client.grant_types.includes('refresh_token') && (custom === undefined || api!.allow_offline_access);
    if (OIDC_SCOPES.includes(scope)) return true;
    if (custom) return custom.has(scope);
    return api !== undefined && USER_LOGIN_MANAGEMENT_SCOPES.includes(scope);
  });
}
