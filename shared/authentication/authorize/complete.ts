import type { ClientRecord } from '#shared/db/clients-repo';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { recordLogin, type UserPartition } from '#shared/db/logins-repo';
import { putSession } from '#shared/db/sessions-repo';
import { AccessDeniedError, LoginDeniedError, UnknownConnectionError, UserBlockedError } from '#shared/authentication/errors';
import { issueAuthorizationCode } from '#shared/authentication/authorize/codes';
import { AuthorizeError, type AnswerTarget, type AuthorizeParams } from '#shared/authentication/authorize/request';
import { completeLogin } from '#shared/authentication/login/complete-login';
import { negotiateScopes } from '#shared/authentication/login/scopes';
import { newSessionId, signLoginTokens } from '#shared/authentication/login/tokens';
import { nowSeconds } from '#shared/authentication/tokens/sign';
import { config } from '#shared/platform/config';
import { HiddenServerError } from '#shared/platform/errors';

/**
 * The end of every successful /authorize, from the login form or from an SSO session: the
 * tenant's rules and actions run (Auth0's `context.protocol` is `oidc-basic-profile` for a code,
 * `oidc-implicit-profile` for tokens), the login is counted, and the answer is a code (stored
 * with what its exchange needs) or, for the implicit flow, the tokens themselves.
 * A rule's denial or failure goes back to the application as an error, as on Auth0.
 */
export interface Authorization {
  params: AuthorizeParams;
  client: ClientRecord;
  connection: ConnectionRecord;
  partition: UserPartition;
  /** Epoch seconds of the user's authentication (now for the form, the session's for SSO). */
  authTime: number;
  request: { ip: string; userAgent?: string; body: Record<string, string> };
}

export const answerTarget = (params: AuthorizeParams): AnswerTarget => ({
  redirect_uri: params.redirect_uri,
  response_mode: params.response_mode,
  ...(params.state !== undefined ? { state: params.state } : {}),
});

export async function completeAuthorization(a: Authorization): Promise<Record<string, string>> {
  const { params, client, connection, partition } = a;
  const target = answerTarget(params);
  if (partition.user.blocked === true) throw new AuthorizeError(target, 'unauthorized', 'user is blocked');
  const implicit = params.response_type !== 'code';
  const granted = await negotiateScopes(client, params.scope, params.audience).catch((error: unknown) => {
    throw error instanceof AccessDeniedError ? new AuthorizeError(target, 'access_denied', error.description) : error;
  });
  const sid = newSessionId();
  const login = await completeLogin({
    ...partition,
    client,
    connection,
    protocol: implicit ? 'oidc-implicit-profile' : 'oidc-basic-profile',
    sid,
    scopes: granted.scopes,
    audience: granted.audience,
    request: a.request,
  }).catch((error: unknown) => {
    throw toAuthorizeError(target, error);
  });
  await recordLogin(login.user.user_id, a.request.ip, new Date().toISOString());
  const state: Record<string, string> = params.state !== undefined ? { state: params.state } : {};

  if (!implicit) {
    const code = await issueAuthorizationCode({
      client_id: client.client_id,
      // RFC 6749 4.1.3 (and Auth0): the token request repeats redirect_uri only if /authorize had one.
      redirect_uri: params.redirect_uri_defaulted ? '' : params.redirect_uri,
      ...(params.code_challenge ? { code_challenge: params.code_challenge } : {}),
      user_id: login.user.user_id,
      connection: connection.name,
      scopes: granted.scopes,
      ...(granted.audience !== undefined ? { audience: granted.audience } : {}),
      ...(granted.accessTokenLifetime !== undefined ? { accessTokenLifetime: granted.accessTokenLifetime } : {}),
      ...(params.nonce !== undefined ? { nonce: params.nonce } : {}),
      auth_time: a.authTime,
      id_token_claims: login.idTokenClaims,
      access_token_claims: login.accessTokenClaims,
    });
    return { code, ...state };
  }

  // Implicit: the tokens travel in the answer. Their session backs /userinfo's check (no refresh).
  const lifetime = granted.accessTokenLifetime ?? config.ACCESS_TOKEN_TTL_SECONDS;
  await putSession({
    sid, user_id: login.user.user_id, client_id: client.client_id, connection: connection.name, scope: granted.scopes,
    audience: granted.audience, id_token_claims: login.idTokenClaims, created_at: new Date().toISOString(), ttl: nowSeconds() + lifetime,
  });
  const wantsAccessToken = params.response_type !== 'id_token';
  // `token` alone is OAuth's implicit grant: an access token and no ID token (OIDC Core 3.2.2.5, Auth0's answer).
  const wantsIdToken = params.response_type !== 'token';
  const tokens = await signLoginTokens({
    ...login,
    client,
    sid,
    scopes: !wantsIdToken || granted.scopes.includes('openid') ? granted.scopes : ['openid', ...granted.scopes],
    audience: granted.audience,
    accessTokenLifetime: granted.accessTokenLifetime,
    ...(params.nonce !== undefined ? { nonce: params.nonce } : {}),
    authTime: a.authTime,
    atHash: wantsAccessToken,
  });
  const answer: Record<string, string> = {
    ...(wantsAccessToken ? { access_token: tokens.access_token, scope: tokens.scope, expires_in: String(tokens.expires_in), token_type: 'Bearer' } : {}),
    ...(wantsIdToken && tokens.id_token ? { id_token: tokens.id_token } : {}),
    ...state,
  };
  return answer;
}

function toAuthorizeError(target: AnswerTarget, error: unknown): unknown {
  if (error instanceof LoginDeniedError) return new AuthorizeError(target, 'access_denied', error.description);
  if (error instanceof UserBlockedError) return new AuthorizeError(target, 'unauthorized', 'user is blocked');
  if (error instanceof UnknownConnectionError) return new AuthorizeError(target, 'invalid_request', error.description);
  // A failing rule (logged by completeLogin): the application hears of it, the user is not stranded.
  if (error instanceof HiddenServerError) return new AuthorizeError(target, 'server_error', error.publicMessage);
  return error;
}
