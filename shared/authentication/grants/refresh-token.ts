import { connectionByName } from '#shared/tenant/connections';
import { findUserPartition } from '#shared/db/logins-repo';
import { findSession, revokeSession, rotateRefresh, type SessionRecord } from '#shared/db/sessions-repo';
import { ConnectionDisabledError, InvalidRefreshTokenError, MissingParameterError, RefreshScopesNotGrantedError, UnknownConnectionError, UserBlockedError } from '#shared/authentication/errors';
import { isClientEnabled } from '#shared/tenant/clients';
import { log } from '#shared/platform/log';
import { completeLogin } from '#shared/authentication/login/complete-login';
import { isGenuine, parseRefreshToken, refreshToken } from '#shared/authentication/login/refresh-tokens';
import { renegotiateScopes } from '#shared/authentication/login/scopes';
import { signLoginTokens, type LoginTokens } from '#shared/authentication/login/tokens';
import type { AuthenticatedClient } from '#shared/authentication/oauth/client-auth';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';
import { nowSeconds } from '#shared/authentication/tokens/sign';

/**
 * The refresh_token grant with rotation: each use returns a new refresh token and retires the one
 * presented. Presenting a retired (but genuine) token means it leaked or was replayed: the whole
 * session is revoked, and every token of it stops working. Rules run again (protocol
 * `oauth2-refresh-token`), as on Auth0.
 */

/**
 * A token used twice within this time of its rotation is a double submit (two tabs, a retry), not
 * a replay: the second use is refused, but the session survives.
 */
const REUSE_GRACE_MS = 5_000;

export async function refreshTokenGrant(req: TokenRequest, { client }: AuthenticatedClient): Promise<LoginTokens> {
  if (!req.params.refresh_token) throw new MissingParameterError('refresh_token');
  const presented = parseRefreshToken(req.params.refresh_token);
  const session = presented ? await currentSession(presented.sid, presented.generation) : undefined;
  if (!presented || !session?.refresh || session.client_id !== client.client_id || !isGenuine(session.refresh.key, presented)) {
    throw new InvalidRefreshTokenError();
  }
  if (session.revoked || session.ttl < nowSeconds()) throw new InvalidRefreshTokenError();
  if (idleTooLong(client, session)) throw new InvalidRefreshTokenError();
  if (presented.generation !== session.refresh.generation) return reuseDetected(session, presented.generation);

  // The session's scopes (narrowed by `scope`) that its API still grants; the API's current lifetime.
  const { scopes, accessTokenLifetime } = await renegotiateScopes(client, narrowedScopes(session, req.params.scope), session.audience);
  const partition = await findUserPartition(session.user_id, false) ?? (await findUserPartition(session.user_id, true));
  if (!partition) throw new InvalidRefreshTokenError();
  if (partition.user.blocked === true) throw new UserBlockedError();
  const connection = await connectionByName(session.connection).catch(() => {
    throw new InvalidRefreshTokenError(); // the session's connection was deleted
  });
  if (!isClientEnabled(connection, client.client_id)) throw new ConnectionDisabledError();
  const request = { ip: req.ip, userAgent: req.userAgent, body: req.params };
  const login = await completeLogin({
    ...partition, client, connection, protocol: 'oauth2-refresh-token', sid: session.sid, scopes, audience: session.audience, request,
  }).catch((error: unknown) => {
    throw error instanceof UnknownConnectionError ? new InvalidRefreshTokenError() : error; // deleted meanwhile, as above
  });
  // Two uses of one token race here; the conditional rotation lets exactly one through.
  if (!(await rotateRefresh(session.sid, presented.generation, login.idTokenClaims))) {
    return reuseDetected((await findSession(session.sid, true)) ?? session, presented.generation);
  }
  const next = refreshToken(session.refresh.key, session.sid, presented.generation + 1);
  // Always the rotated token (auth0-spa-js drops its stored one otherwise) and, with openid, an ID
  // token repeating the login's auth_time (the SDK requires it when the app set max_age).
  return signLoginTokens({
    ...login, client, sid: session.sid, scopes, audience: session.audience, accessTokenLifetime, refreshToken: next, authTime: session.auth_time,
  });
}

/**
 * The session, read eventually consistently (half the price) unless that read is missing or shows
 * another generation, when only a strong read may conclude "unknown" or "reused". The rotation's
 * conditional write catches whatever a stale read let through.
 */
async function currentSession(sid: string, generation: number): Promise<SessionRecord | undefined> {
  const seen = await findSession(sid, false);
  return seen?.refresh?.generation === generation ? seen : findSession(sid, true);
}

async function reuseDetected(session: SessionRecord, generation: number): Promise<never> {
  const refresh = session.refresh!;
  const doubleSubmit = generation === refresh.generation - 1 && Date.now() - (refresh.rotated_at ?? 0) < REUSE_GRACE_MS;
  if (doubleSubmit) throw new InvalidRefreshTokenError();
  await revokeSession(session.sid);
  log.warn('refresh token reused: session revoked', { sid: session.sid, user_id: session.user_id, client_id: session.client_id });
  throw new InvalidRefreshTokenError();
}

/** A refresh may ask for fewer scopes than the session holds, never more. */
function narrowedScopes(session: SessionRecord, scope: string | undefined): string[] {
  if (!scope) return session.scope;
  const asked = scope.split(' ').filter(Boolean);
  const extra = asked.filter((s) => !session.scope.includes(s));
  if (extra.length > 0) throw new RefreshScopesNotGrantedError(extra);
  return session.scope.filter((s) => asked.includes(s));
}

/**
 * The application's `refresh_token.idle_token_lifetime` (when expiring and not infinite): a
 * refresh token unused for longer is refused (its last use is its rotation, or the login).
 */
function idleTooLong(client: AuthenticatedClient['client'], session: SessionRecord): boolean {
  const settings = client.refresh_token;
  if (settings?.expiration_type !== 'expiring' || settings.infinite_idle_token_lifetime) return false;
  const lastUse = session.refresh?.rotated_at ?? Date.parse(session.created_at);
  return Date.now() - lastUse > settings.idle_token_lifetime * 1000;
}
