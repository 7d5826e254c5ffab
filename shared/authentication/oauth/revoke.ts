import { findSession, revokeSession } from '#shared/db/sessions-repo';
import { log } from '#shared/platform/log';
import { MissingParameterError } from '#shared/authentication/errors';
import { isGenuine, parseRefreshToken } from '#shared/authentication/login/refresh-tokens';
import { authenticateClient } from '#shared/authentication/oauth/client-auth';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';

/**
 * POST /oauth/revoke (Auth0's `{client_id, client_secret?, token}`, RFC 7009): revokes the session
 * of a refresh token, so the token, every later one of its family and its access tokens at
 * /userinfo stop working. The client authenticates as at /oauth/token (a confidential client
 * with its secret). A token that is unknown, forged, already revoked or another client's is
 * answered 200 and changes nothing (RFC 7009 §2.2: the answer reveals nothing about it).
 */
export async function revokeToken(req: TokenRequest): Promise<void> {
  const { client } = await authenticateClient(req, undefined);
  const token = req.params.token;
  if (!token) throw new MissingParameterError('token');
  const presented = parseRefreshToken(token);
  if (!presented) return;
  const session = await findSession(presented.sid, false);
  if (!session?.refresh || session.revoked || session.client_id !== client.client_id || !isGenuine(session.refresh.key, presented)) return;
  await revokeSession(session.sid);
  log.info('refresh token revoked', { sid: session.sid, client_id: client.client_id });
}
