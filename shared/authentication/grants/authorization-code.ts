import { createHash, timingSafeEqual } from 'node:crypto';
import { consumeCode, type CodeRecord } from '#shared/db/codes-repo';
import { ConditionFailedError } from '#shared/db/errors';
import { putSession, revokeSession } from '#shared/db/sessions-repo';
import { findUser } from '#shared/db/users-repo';
import { log } from '#shared/platform/log';
import { codeDigest, type AuthorizationCodeGrant } from '#shared/authentication/authorize/codes';
import {
  CodeVerifierMismatchError,
  CodeVerifierRequiredError,
  InvalidAuthorizationCodeError,
  MissingParameterError,
  UserBlockedError,
} from '#shared/authentication/errors';
import { sessionLifetime } from '#shared/authentication/grants/session-lifetime';
import { newRefreshKey, refreshToken } from '#shared/authentication/login/refresh-tokens';
import { newSessionId, signLoginTokens, type LoginTokens } from '#shared/authentication/login/tokens';
import type { AuthenticatedClient } from '#shared/authentication/oauth/client-auth';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';
import { nowSeconds } from '#shared/authentication/tokens/sign';

/**
 * grant_type=authorization_code (with PKCE): exchanges a code /authorize issued
 * (authorize/codes.ts) for the tokens of the login it completed. Rules ran at /authorize and do
 * not run again (as on Auth0). The code is used by one conditional write, which also records the
 * session this exchange creates; a second use revokes that session (RFC 6749 §4.1.2), so its
 * refresh token and its access tokens at /userinfo stop working. docs/authorization-code.md.
 */

/** Our codes are 43 characters; a longer one cannot exist and is refused without a table read. */
const MAX_CODE_LENGTH = 256;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export async function authorizationCodeGrant(req: TokenRequest, { client, secretProven }: AuthenticatedClient): Promise<LoginTokens> {
  const { code, code_verifier: verifier } = req.params;
  if (!code) throw new MissingParameterError('code');
  // A public client proves nothing but the verifier: without one, refuse before the code is used.
  if (!secretProven && verifier === undefined) throw new CodeVerifierRequiredError();
  if (code.length > MAX_CODE_LENGTH) throw new InvalidAuthorizationCodeError();

  const sid = newSessionId();
  const record = await consume(code, sid);
  const grant = record.grant as unknown as AuthorizationCodeGrant;
  // The code is used now, whatever follows: a failed check does not give it a second try.
  if (grant.client_id !== client.client_id) throw new InvalidAuthorizationCodeError();
  if (grant.redirect_uri && req.params.redirect_uri !== grant.redirect_uri) throw new InvalidAuthorizationCodeError();
  checkVerifier(grant.code_challenge, verifier, secretProven);

  // Half a read unit: the user was read at /authorize a moment ago; only a miss is confirmed strongly.
  const user = (await findUser(grant.user_id, false)) ?? (await findUser(grant.user_id, true));
  if (!user) throw new InvalidAuthorizationCodeError();
  if (user.blocked === true) throw new UserBlockedError();

  const offline = grant.scopes.includes('offline_access');
  const key = offline ? newRefreshKey() : undefined;
  await putSession({
    sid, user_id: user.user_id, client_id: client.client_id, connection: grant.connection, scope: grant.scopes,
    audience: grant.audience, id_token_claims: grant.id_token_claims, ...(key ? { refresh: { generation: 0, key } } : {}),
    auth_time: grant.auth_time, created_at: new Date().toISOString(),
    ttl: nowSeconds() + sessionLifetime(client, offline, grant.accessTokenLifetime),
  });
  return signLoginTokens({
    user, client, sid, scopes: grant.scopes, audience: grant.audience, accessTokenLifetime: grant.accessTokenLifetime,
    idTokenClaims: grant.id_token_claims, accessTokenClaims: grant.access_token_claims,
    nonce: grant.nonce, authTime: grant.auth_time,
    ...(key ? { refreshToken: refreshToken(key, sid, 0) } : {}),
  });
}

/** Uses the code; a used one revokes the session its first exchange created. */
async function consume(code: string, sid: string): Promise<CodeRecord> {
  try {
    return await consumeCode(codeDigest(code), nowSeconds(), sid);
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const current = (error as ConditionFailedError<CodeRecord>).current;
    if (current?.used_at !== undefined && current.sid) {
      await revokeSession(current.sid);
      log.warn('authorization code reused: its session revoked', { sid: current.sid, client_id: current.grant.client_id });
    }
    throw new InvalidAuthorizationCodeError();
  }
}

/**
 * PKCE (S256 only). A code issued with a challenge needs its verifier; a public client's code
 * needs one too (it has no other proof). A verifier sent for a code issued without a challenge is
 * refused (RFC 9700 §2.1.1: a PKCE downgrade).
 */
function checkVerifier(challenge: string | undefined, verifier: string | undefined, secretProven: boolean): void {
  if (verifier === undefined) {
    if (challenge !== undefined || !secretProven) throw new CodeVerifierRequiredError();
    return;
  }
  if (challenge === undefined || !VERIFIER.test(verifier)) throw new CodeVerifierMismatchError();
  const computed = createHash('sha256').update(verifier, 'ascii').digest();
  const expected = Buffer.from(challenge, 'base64url');
  if (computed.length !== expected.length || !timingSafeEqual(computed, expected)) throw new CodeVerifierMismatchError();
}
