import { errors, jwtVerify, type JWTPayload } from 'jose';
import { managementAudience, config } from '#shared/platform/config';
import { BadAuthorizationHeaderError, UnauthorizedError } from '#shared/platform/errors';
import type { Caller } from '#shared/tenant/caller';
import { findSession } from '#shared/db/sessions-repo';
import { findUser } from '#shared/db/users-repo';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import { verificationKey } from '#shared/authentication/tokens/signing-keys';

/**
 * Verifies bearer access tokens (the Management API's, and /userinfo's): RS256 only, our issuer, our audience, a known `kid`,
 * not expired. Each failure has its own message (as Auth0 words them), so an expired token and a
 * forged one do not look alike in the answer or the log.
 */
export async function verifyManagementToken(authorization: string | undefined): Promise<Caller> {
  const payload = await verifyBearer(authorization, managementAudience);
  const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
  const subject = payload.sub as string;
  const isUser = payload.gty !== 'client-credentials' && !subject.endsWith('@clients');
  if (isUser) await assertUserTokenLive(payload, subject);
  return { subject, clientId: typeof payload.azp === 'string' ? payload.azp : undefined, scopes, isUser };
}

/**
 * A user's own Management token is good only while the login it came from is: its session (the
 * `sid`) not revoked (a replayed refresh token revokes it) nor expired, and the user still there
 * and not blocked. /userinfo checks the same. Both reads are strongly consistent, so a block or
 * a revocation applies to the very next request; they cost 1 RCU for the session plus the
 * profile's size, and only user tokens pay them (machine tokens carry no session).
 */
async function assertUserTokenLive(payload: JWTPayload, userId: string): Promise<void> {
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  const [user, session] = await Promise.all([findUser(userId), sid ? findSession(sid, true) : undefined]);
  const live = session !== undefined && session.user_id === userId && session.revoked !== true && session.ttl >= Math.floor(Date.now() / 1000);
  if (!user || !live) throw unauthorized('The user or the session no longer exists', 'invalid_token', managementAudience);
  if (user.blocked === true) throw unauthorized('user is blocked', 'invalid_token', managementAudience);
}

/** Verifies a bearer access token for `audience` and returns its claims. */
export async function verifyBearer(authorization: string | undefined, audience: string): Promise<JWTPayload> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) throw unauthorized('Missing authentication', 'missing_authentication', audience, false);
  if (match[1].split('.').length !== 3) throw new BadAuthorizationHeaderError();
  return verify(match[1], audience);
}

async function verify(token: string, audience: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? await verificationKey(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [SIGNING_ALG],
        issuer: config.ISSUER,
        audience,
        requiredClaims: ['exp', 'iat', 'sub'],
      },
    );
    return payload;
  } catch (error) {
    throw tokenError(error, audience);
  }
}

function tokenError(error: unknown, audience: string): UnauthorizedError {
  if (error instanceof errors.JWTExpired) {
    return unauthorized('Expired token received for JSON Web Token validation', 'invalid_token', audience, true, true);
  }
  if (error instanceof errors.JWTClaimValidationFailed && (error.claim === 'aud' || error.claim === 'iss')) {
    const claim = error.payload[error.claim];
    const value = Array.isArray(claim) ? claim.join(' ') : String(claim ?? '');
    return unauthorized(`Bad ${error.claim === 'aud' ? 'audience' : 'issuer'}: ${value}`, 'invalid_token', audience);
  }
  if (error instanceof errors.JOSEError) return unauthorized('Invalid token', 'invalid_token', audience, true, true);
  throw error;
}

function unauthorized(message: string, errorCode: string, audience: string, withError = true, withAttributes = false): UnauthorizedError {
  // Header values must stay one quoted line, whatever a claim contained.
  const quoted = message.replace(/["\\\r\n]/g, ' ');
  const detail = withError ? `, error="invalid_token", error_description="${quoted}"` : '';
  return new UnauthorizedError(
    message,
    errorCode,
    `Bearer realm="${audience}"${detail}`,
    withAttributes ? { error: message } : undefined,
  );
}
