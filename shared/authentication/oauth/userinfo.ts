import { verifyBearer } from '#shared/authentication/tokens/access-token';
import { findUser } from '#shared/db/users-repo';
import { findSession } from '#shared/db/sessions-repo';
import { BadAuthorizationHeaderError, UnauthorizedError } from '#shared/platform/errors';
import { InvalidTokenError, OpenidScopeRequiredError } from '#shared/authentication/errors';
import type { JsonValue } from '#shared/platform/json';
import { userinfoAudience } from '#shared/authentication/tokens/audiences';
import { standardClaims } from '#shared/authentication/tokens/user-claims';

/**
 * GET /userinfo: `sub`, the standard claims the token's scopes allow, and the custom claims that
 * rules or actions put in that login's ID token (kept on the session the token's `sid` names) —
 * which is how Auth0 users get user_metadata there. Token failures are RFC 6750 401s.
 */
export async function userinfo(authorization: string | undefined): Promise<Record<string, JsonValue>> {
  const claims = await verifyBearer(authorization, userinfoAudience).catch((error: unknown) => {
    if (error instanceof UnauthorizedError) throw new InvalidTokenError(error.message, error.headers['www-authenticate']);
    // Auth0 also issues opaque /userinfo tokens: a value that is not a JWT is just a bad token here.
    if (error instanceof BadAuthorizationHeaderError) {
      throw new InvalidTokenError('Invalid token', `Bearer realm="${userinfoAudience}", error="invalid_token"`);
    }
    throw error;
  });
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  if (!scopes.includes('openid')) throw new OpenidScopeRequiredError();
  const [user, session] = await Promise.all([
    findUser(String(claims.sub)),
    typeof claims.sid === 'string' ? findSession(claims.sid, false) : undefined,
  ]);
  const sessionGone = session !== undefined && (session.revoked === true || session.ttl < Math.floor(Date.now() / 1000));
  // RFC 6750 3: every 401 names the scheme and the error (openid-client insists on it).
  const challenge = `Bearer realm="${userinfoAudience}", error="invalid_token"`;
  if (!user || sessionGone) throw new InvalidTokenError('The user or the session no longer exists', challenge);
  if (user.blocked === true) throw new InvalidTokenError('user is blocked', challenge);
  return { sub: user.user_id, ...standardClaims(user, scopes), ...(session?.id_token_claims ?? {}) };
}
