import { OAuthError } from '#shared/errors';
import type { HttpEvent } from '#shared/http/event';
import { clientCredentialsGrant, type TokenResponse } from '#shared/oauth/client-credentials';
import { invalidRequest, readTokenRequest, type TokenRequest } from '#shared/oauth/token-request';

/** One function per grant type; the Authentication API issue adds password, refresh and code grants. */
const grants: Record<string, (req: TokenRequest) => Promise<TokenResponse>> = {
  client_credentials: clientCredentialsGrant,
};

export async function issueToken(event: HttpEvent): Promise<TokenResponse> {
  const req = readTokenRequest(event);
  const grantType = req.params.grant_type;
  if (!grantType) throw invalidRequest('Missing required parameter: grant_type');
  const grant = Object.hasOwn(grants, grantType) ? grants[grantType] : undefined;
  if (!grant) throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  return grant(req);
}
