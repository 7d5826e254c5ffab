import { OAuthError } from '#shared/platform/errors';
import type { LoginTokens } from '#shared/authentication/login/tokens';
import { clientCredentialsGrant, type TokenResponse } from '#shared/authentication/grants/client-credentials';
import { PASSWORD_REALM_GRANT, passwordGrant } from '#shared/authentication/grants/password';
import { refreshTokenGrant } from '#shared/authentication/grants/refresh-token';
import { invalidRequest, type TokenRequest } from '#shared/authentication/oauth/token-request';

/** One function per grant type. */
const grants: Record<string, (req: TokenRequest) => Promise<TokenResponse | LoginTokens>> = {
  client_credentials: clientCredentialsGrant,
  password: (req) => passwordGrant(req, 'password'),
  [PASSWORD_REALM_GRANT]: (req) => passwordGrant(req, PASSWORD_REALM_GRANT),
  refresh_token: refreshTokenGrant,
};

export async function issueToken(req: TokenRequest): Promise<TokenResponse | LoginTokens> {
  const grantType = req.params.grant_type;
  if (!grantType) throw invalidRequest('Missing required parameter: grant_type');
  const grant = Object.hasOwn(grants, grantType) ? grants[grantType] : undefined;
  if (!grant) throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  return grant(req);
}
