import { MissingParameterError, UnsupportedGrantTypeError } from '#shared/authentication/errors';
import type { LoginTokens } from '#shared/authentication/login/tokens';
import { authorizationCodeGrant } from '#shared/authentication/grants/authorization-code';
import { clientCredentialsGrant, type TokenResponse } from '#shared/authentication/grants/client-credentials';
import { PASSWORD_REALM_GRANT, passwordGrant } from '#shared/authentication/grants/password';
import { refreshTokenGrant } from '#shared/authentication/grants/refresh-token';
import { authenticateClient, type AuthenticatedClient } from '#shared/authentication/oauth/client-auth';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';

/**
 * POST /oauth/token: the grant type, then the client (authenticated for that grant type), then
 * one function per grant type. shared/authentication/errors.ts lists every refusal.
 */
type Grant = (req: TokenRequest, client: AuthenticatedClient) => Promise<TokenResponse | LoginTokens>;

const grants: Record<string, Grant> = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  password: (req, client) => passwordGrant(req, client, 'password'),
  [PASSWORD_REALM_GRANT]: (req, client) => passwordGrant(req, client, PASSWORD_REALM_GRANT),
  refresh_token: refreshTokenGrant,
};

export async function issueToken(req: TokenRequest): Promise<TokenResponse | LoginTokens> {
  const grantType = req.params.grant_type;
  if (!grantType) throw new MissingParameterError('grant_type');
  const grant = Object.hasOwn(grants, grantType) ? grants[grantType] : undefined;
  if (!grant) throw new UnsupportedGrantTypeError(grantType);
  return grant(req, await authenticateClient(req, grantType));
}
