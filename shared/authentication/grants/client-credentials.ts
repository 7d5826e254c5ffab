import { config } from '#shared/platform/config';
import { apiFor } from '#shared/authentication/tokens/audiences';
import { apiScopes, type Api } from '#shared/tenant/resource-servers';
import type { ClientGrantRecord } from '#shared/db/clients-repo';
import type { AuthenticatedClient } from '#shared/authentication/oauth/client-auth';
import {
  AudienceRequiredError,
  ClientScopesNotGrantedError,
  NoClientGrantError,
} from '#shared/authentication/errors';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';
import { nowSeconds, signJwt } from '#shared/authentication/tokens/sign';

/**
 * The client_credentials grant: a machine client proves its secret and receives an access token
 * for an API it holds a grant for, with the granted scopes the API still defines (narrowed by
 * `scope` if given), living the API's token_lifetime. The client and its grants come from one
 * cached Query, the API from the cached list of APIs: no table read while both are warm.
 */
export interface TokenResponse {
  access_token: string;
  scope?: string;
  expires_in: number;
  token_type: 'Bearer';
}

export async function clientCredentialsGrant(req: TokenRequest, { client, grants }: AuthenticatedClient): Promise<TokenResponse> {
  const { api, grant } = await grantFor(grants, req.params.audience);
  const scopes = grantedScopes(grant, api, req.params.scope);
  const iat = nowSeconds();
  const expiresIn = api.token_lifetime;
  const scope = scopes.length > 0 ? scopes.join(' ') : undefined;
  const access_token = await signJwt({
    iss: config.ISSUER,
    sub: `${client.client_id}@clients`,
    aud: api.identifier,
    iat,
    exp: iat + expiresIn,
    ...(scope ? { scope } : {}),
    gty: 'client-credentials',
    azp: client.client_id,
  });
  return { access_token, ...(scope ? { scope } : {}), expires_in: expiresIn, token_type: 'Bearer' };
}

async function grantFor(grants: ClientGrantRecord[], audience: string | undefined): Promise<{ api: Api; grant: ClientGrantRecord }> {
  if (!audience) throw new AudienceRequiredError();
  const api = await apiFor(audience);
  // Only a grant to the client itself: one with subject_type "user" (user access) authorises no machine token.
  const grant = grants.find((g) => g.audience === api.identifier && (g.subject_type ?? 'client') === 'client');
  if (grant) return { api, grant };
  throw new NoClientGrantError(audience);
}

/**
 * The grant's scopes that the API still defines (a scope removed from the API leaves every token
 * at once, though grants keep naming it). A `scope` narrows them; asking for a scope not granted
 * is refused, as on Auth0.
 */
function grantedScopes(grant: ClientGrantRecord, api: Api, scope: string | undefined): string[] {
  const defined = apiScopes(api);
  const held = grant.scope.filter((s) => defined.has(s));
  const requested = scope?.split(' ').filter(Boolean) ?? [];
  const missing = requested.filter((s) => !held.includes(s));
  if (missing.length > 0) throw new ClientScopesNotGrantedError(missing);
  return requested.length > 0 ? held.filter((s) => requested.includes(s)) : held;
}
