import { createHash, randomBytes } from 'node:crypto';
import { config } from '#shared/platform/config';
import type { ClientRecord } from '#shared/db/clients-repo';
import type { JsonValue } from '#shared/platform/json';
import { userinfoAudience } from '#shared/authentication/tokens/audiences';
import { nowSeconds, signJwt } from '#shared/authentication/tokens/sign';
import { standardClaims } from '#shared/authentication/tokens/user-claims';
import type { UserRecord } from '#shared/management/users/model';

/**
 * The tokens of a user login. The access token is for the requested API (plus /userinfo when
 * `openid` was granted) and carries the `sid` that /userinfo uses to find the login's custom
 * claims; the ID token carries the profile claims the scopes allow and the custom claims.
 */
export const ID_TOKEN_TTL_SECONDS = 36_000;

export interface LoginTokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope: string;
  expires_in: number;
  token_type: 'Bearer';
}

export interface TokenFacts {
  user: UserRecord;
  client: ClientRecord;
  sid: string;
  scopes: string[];
  audience: string | undefined;
  idTokenClaims: Record<string, JsonValue>;
  accessTokenClaims: Record<string, JsonValue>;
  refreshToken?: string;
  /** The API's token_lifetime; undefined: ACCESS_TOKEN_TTL_SECONDS. */
  accessTokenLifetime?: number;
  /** The /authorize request's `nonce`, echoed in the ID token. */
  nonce?: string;
  /** Epoch seconds of the user's last authentication: the ID token's `auth_time`. */
  authTime?: number;
  /** Add OIDC's `at_hash` of the access token (an implicit `id_token token` response must). */
  atHash?: boolean;
}

export async function signLoginTokens(facts: TokenFacts): Promise<LoginTokens> {
  const iat = nowSeconds();
  const openid = facts.scopes.includes('openid');
  const audiences = [facts.audience, openid ? userinfoAudience : undefined].filter((a): a is string => a !== undefined);
  if (audiences.length === 0) audiences.push(userinfoAudience);
  const scope = facts.scopes.join(' ');
  const expiresIn = facts.accessTokenLifetime ?? config.ACCESS_TOKEN_TTL_SECONDS;
  const accessToken = signJwt({
    ...facts.accessTokenClaims,
    iss: config.ISSUER,
    sub: facts.user.user_id,
    aud: audiences.length === 1 ? audiences[0] : audiences,
    iat,
    exp: iat + expiresIn,
    scope,
    azp: facts.client.client_id,
    sid: facts.sid,
  });
  // The two signatures run in parallel, unless the ID token must hash the access token.
  const idToken = openid ? signIdToken(facts, iat, facts.atHash ? atHash(await accessToken) : undefined) : undefined;
  return {
    access_token: await accessToken,
    ...(idToken ? { id_token: await idToken } : {}),
    ...(facts.refreshToken ? { refresh_token: facts.refreshToken } : {}),
    scope,
    expires_in: expiresIn,
    token_type: 'Bearer',
  };
}

function signIdToken(facts: TokenFacts, iat: number, accessTokenHash: string | undefined): Promise<string> {
  return signJwt({
    ...facts.idTokenClaims,
    ...standardClaims(facts.user, facts.scopes),
    iss: config.ISSUER,
    aud: facts.client.client_id,
    iat,
    // The application's jwt_configuration.lifetime_in_seconds (Auth0's default 36,000 s).
    exp: iat + (facts.client.jwt_configuration?.lifetime_in_seconds ?? ID_TOKEN_TTL_SECONDS),
    sub: facts.user.user_id,
    sid: facts.sid,
    ...(facts.authTime !== undefined ? { auth_time: facts.authTime } : {}),
    ...(facts.nonce !== undefined ? { nonce: facts.nonce } : {}),
    ...(accessTokenHash !== undefined ? { at_hash: accessTokenHash } : {}),
  });
}

/** OIDC Core 3.2.2.9: the left half of the access token's SHA-256 (RS256), base64url. */
export const atHash = (accessToken: string) => createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');

/** A new session id: also the first part of the session's refresh tokens. */
export const newSessionId = () => randomBytes(16).toString('base64url');
