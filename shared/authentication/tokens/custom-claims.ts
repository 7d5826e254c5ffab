import type { JsonValue } from '#shared/platform/json';

/**
 * Auth0's rules for claims that rules and actions add to tokens:
 * - registered JWT/OIDC claims and Auth0's own (`sub`, `aud`, `scope`, `permissions`, …) cannot be set;
 * - standard OIDC profile claims (`email`, `name`, …) collide with ours and are dropped;
 * - auth0.com, webtask.io and webtask.run cannot be namespaces;
 * - access tokens for Auth0's own APIs (Management API, /userinfo) take namespaced claims only;
 * - all custom claims together stay under 100 KB.
 * Collisions and refusals are silent, as on Auth0; the caller logs what was dropped.
 */
const RESERVED = new Set([
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash', 'acr', 'amr',
  'sub_jwk', 'cnf', 'sid', 'scope', 'gty', 'permissions', 'roles', 'org_id', 'org_name', 'vot', 'vtm', 'events',
]);

const STANDARD_CLAIMS = new Set([
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified',
  'address', 'updated_at',
]);

const FORBIDDEN_NAMESPACE = /^https?:\/\/([^/]*\.)?(auth0\.com|webtask\.io|webtask\.run)(\/|$)/i;
export const MAX_CUSTOM_CLAIMS_BYTES = 100 * 1024;

const isNamespaced = (name: string) => /^https?:\/\//i.test(name);

export interface ClaimFilterResult {
  claims: Record<string, JsonValue>;
  dropped: string[];
}

export function filterCustomClaims(claims: Record<string, JsonValue>, target: 'id_token' | 'auth0_api_access_token'): ClaimFilterResult {
  const kept: [string, JsonValue][] = [];
  const dropped: string[] = [];
  let bytes = 0;
  for (const [name, value] of Object.entries(claims)) {
    const refused =
      RESERVED.has(name) ||
      STANDARD_CLAIMS.has(name) ||
      FORBIDDEN_NAMESPACE.test(name) ||
      (target === 'auth0_api_access_token' && !isNamespaced(name));
    const size = Buffer.byteLength(JSON.stringify({ [name]: value }), 'utf8');
    if (refused || bytes + size > MAX_CUSTOM_CLAIMS_BYTES) {
      dropped.push(name);
      continue;
    }
    bytes += size;
    kept.push([name, value]);
  }
  return { claims: Object.fromEntries(kept), dropped };
}
