import { managementAudience } from '#shared/platform/config';
import type { ClientRecord } from '#shared/db/clients-repo';
import { OIDC_SCOPES, USER_LOGIN_MANAGEMENT_SCOPES } from '#shared/tenant/scopes';
import { UnknownAudienceError } from '#shared/authentication/errors';
import { isKnownAudience } from '#shared/authentication/tokens/audiences';

/**
 * What a user login may be granted: OIDC scopes (offline_access only for clients allowed to
 * refresh) and, for the Management API audience, Auth0's current-user scopes, which reach only
 * the signed-in user. Scopes asked for but not grantable are left out of the token (and of the
 * response's `scope`), as Auth0 does.
 */
export interface GrantedScopes {
  scopes: string[];
  audience: string | undefined;
}

export function negotiateScopes(client: ClientRecord, requested: string | undefined, audience: string | undefined): GrantedScopes {
  if (audience !== undefined && !isKnownAudience(audience)) throw new UnknownAudienceError(audience);
  const asked = [...new Set((requested ?? '').split(' ').filter(Boolean))];
  const granted = asked.filter((scope) => {
    if (scope === 'offline_access') return client.grant_types.includes('refresh_token');
    if (OIDC_SCOPES.includes(scope)) return true;
    return audience === managementAudience && USER_LOGIN_MANAGEMENT_SCOPES.includes(scope);
  });
  return { scopes: granted, audience };
}
