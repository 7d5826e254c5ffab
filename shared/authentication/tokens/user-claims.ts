import type { JsonValue } from '#shared/platform/json';
import type { UserRecord } from '#shared/management/users/model';

/**
 * The OIDC claims a scope releases about a user (ID token and /userinfo), in Auth0's order:
 * profile claims, then email claims.
 */
export function standardClaims(user: UserRecord, scopes: readonly string[]): Record<string, JsonValue> {
  const claims: Record<string, JsonValue> = {};
  if (scopes.includes('profile')) {
    for (const field of ['given_name', 'family_name', 'nickname', 'name', 'picture'] as const) {
      if (user[field] !== undefined) claims[field] = user[field]!;
    }
    claims.updated_at = user.updated_at;
  }
  if (scopes.includes('email')) {
    claims.email = user.email;
    claims.email_verified = user.email_verified;
  }
  return claims;
}
