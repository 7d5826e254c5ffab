import { nowSeconds } from '#shared/authentication/tokens/sign';
import { DEFAULT_CONNECTION } from '#shared/tenant/connections';
import { recordLogin } from '#shared/db/logins-repo';
import { putSession } from '#shared/db/sessions-repo';
import { authenticatePassword } from '#shared/authentication/login/authenticate';
import { clearAttempt } from '#shared/authentication/login/brute-force';
import { completeLogin } from '#shared/authentication/login/complete-login';
import { newRefreshKey, refreshToken } from '#shared/authentication/login/refresh-tokens';
import { sessionLifetime } from '#shared/authentication/grants/session-lifetime';
import { negotiateScopes } from '#shared/authentication/login/scopes';
import { newSessionId, signLoginTokens, type LoginTokens } from '#shared/authentication/login/tokens';
import { MissingParameterError } from '#shared/authentication/errors';
import type { AuthenticatedClient } from '#shared/authentication/oauth/client-auth';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';

/**
 * The `password` grant (the tenant's default database connection) and Auth0's password-realm
 * grant (`realm` names the connection): authenticate, run rules and actions, then write the
 * session and the login statistics and clear the brute-force counters (four small writes, in
 * parallel) and sign the tokens.
 */
export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

export async function passwordGrant(
  req: TokenRequest,
  { client }: AuthenticatedClient,
  grantType: 'password' | typeof PASSWORD_REALM_GRANT,
): Promise<LoginTokens> {
  const { username, password, realm } = req.params;
  if (!username) throw new MissingParameterError('username');
  if (!password) throw new MissingParameterError('password');
  if (grantType === PASSWORD_REALM_GRANT && !realm) throw new MissingParameterError('realm');
  const { scopes, audience, accessTokenLifetime } = await negotiateScopes(client, req.params.scope, req.params.audience);
  // The plain password grant always uses the tenant's default connection; the realm grant names one.
  const connectionName = grantType === 'password' ? DEFAULT_CONNECTION : realm!;
  const { connection, partition, admission } = await authenticatePassword(connectionName, username, password, req.ip, client.client_id);

  const sid = newSessionId();
  const protocol = grantType === 'password' ? 'oauth2-password' : 'oauth2-resource-owner';
  const request = { ip: req.ip, userAgent: req.userAgent, body: req.params };
  const login = await completeLogin({ ...partition, client, connection, protocol, sid, scopes, audience, request }).catch(
    async (error: unknown) => {
      // The password was right: a rule's denial or failure is not a brute-force attempt.
      await clearAttempt(admission);
      throw error;
    },
  );

  const offline = scopes.includes('offline_access');
  const key = offline ? newRefreshKey() : undefined;
  const now = new Date();
  const lifetime = sessionLifetime(client, offline, accessTokenLifetime);
  await Promise.all([
    putSession({
      sid, user_id: login.user.user_id, client_id: client.client_id, connection: connection.name, scope: scopes, audience,
      id_token_claims: login.idTokenClaims, ...(key ? { refresh: { generation: 0, key } } : {}),
      created_at: now.toISOString(), ttl: nowSeconds() + lifetime,
    }),
    recordLogin(login.user.user_id, req.ip, now.toISOString()),
    clearAttempt(admission),
  ]);
  return signLoginTokens({
    ...login, client, sid, scopes, audience, accessTokenLifetime, ...(key ? { refreshToken: refreshToken(key, sid, 0) } : {}),
  });
}
