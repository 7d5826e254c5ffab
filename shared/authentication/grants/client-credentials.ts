import { config } from '#shared/platform/config';
import { isKnownAudience } from '#shared/authentication/tokens/audiences';
import type { ClientGrantRecord } from '#shared/db/clients-repo';
import type { AuthenticatedClient } from '#shared/authentication/oauth/client-auth';
import {
  AudienceRequiredError,
  ClientScopesNotGrantedError,
  NoClientGrantError,
  UnknownAudienceError,
} from '#shared/authentication/errors';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';
import { nowSeconds, signJwt } from '#shared/authentication/tokens/sign';

/**
 * The client_credentials grant: a machine client proves its secret and receives an access token
 * for an API it holds a grant for, with the granted scopes (narrowed by `scope` if given).
 */
export interface TokenResponse {
  access_token: string;
  scope?: string;
  expires_in: number;
  token_type: 'Bearer';
}

export async function clientCredentialsGrant(req: TokenRequest, { client, grants }: AuthenticatedClient): Promise<TokenResponse> {
  const grant = grantFor(grants, req.params.audience);
  const scopes = grantedScopes(grant, req.params.scope);
  const iat = nowSeconds();
  const expiresIn = config.ACCESS_TOKEN_TTL_SECONDS;
  const scope = scopes.length > 0 ? scopes.join(' ') : undefined;
  const access_token = await signJwt({
    iss: config.ISSUER,
    sub: `${client.client_id}@clients`,
    aud: grant.audience,
    iat,
    exp: iat + expiresIn,
    ...(scope ? { scope } : {}),
    gty: 'client-credentials',
    azp: client.client_id,
  });
  return { access_token, ...(scope ? { scope } : {}), expires_in: expiresIn, token_type: 'Bearer' };
}

function grantFor(grants: ClientGrantRecord[], audience: string | undefined): ClientGrantRecord {
  if (!audience) throw new AudienceRequiredError();
  if (!isKnownAudience(audience)) throw new UnknownAudienceError(audience);
  const grant = grants.find((g) => g.audience === audience);
  if (grant) return grant;
  throw new NoClientGrantError(audience);
}

/** A `scope` narrows the grant; asking for a scope never granted is refused, as on Auth0. */
function grantedScopes(grant: ClientGrantRecord, scope: string | undefined): string[] {
  const requested = scope?.split(' ').filter(Boolean) ?? [];
  const missing = requested.filter((s) => !grant.scope.includes(s));
  if (missing.length > 0) throw new ClientScopesNotGrantedError(missing);
  return requested.length > 0 ? grant.scope.filter((s) => requested.includes(s)) : grant.scope;
}
