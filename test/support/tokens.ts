import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { config, managementAudience } from '#shared/platform/config';
import { putSession } from '#shared/db/sessions-repo';
import { nowSeconds, signJwt } from '#shared/authentication/tokens/sign';
import { currentSigner } from '#shared/authentication/tokens/current-signer';

/**
 * Tokens for tests, signed with the tenant's real signing key (as /oauth/token would sign them),
 * plus the hostile variants the verifier must refuse.
 */
export interface TokenOptions {
  scopes?: string[];
  sub?: string;
  gty?: string;
  claims?: JWTPayload;
}

export function managementClaims({ scopes = [], sub = 'test-client@clients', gty = 'client-credentials', claims = {} }: TokenOptions = {}): JWTPayload {
  const iat = nowSeconds();
  return {
    iss: config.ISSUER,
    sub,
    aud: managementAudience,
    iat,
    exp: iat + 3600,
    scope: scopes.join(' '),
    ...(gty ? { gty } : {}),
    azp: 'test-client',
    ...claims,
  };
}

export const managementToken = (options: TokenOptions = {}) => signJwt(managementClaims(options));

/**
 * A signed-in user's own token for the Management API, as a password login issues it: with the
 * `sid` of a session that exists (the API refuses user tokens whose session is gone).
 */
export async function userToken(userId: string, scopes: string[]): Promise<string> {
  const sid = randomBytes(16).toString('base64url');
  await putSession({
    sid, user_id: userId, client_id: 'test-client', connection: 'Username-Password-Authentication', scope: scopes,
    audience: managementAudience, id_token_claims: {}, created_at: new Date().toISOString(), ttl: nowSeconds() + 3600,
  });
  return managementToken({ sub: userId, scopes, gty: '', claims: { sid } });
}

/** Same claims and `kid`, signed by a key the tenant never had. */
export async function tokenSignedByStranger(options: TokenOptions = {}): Promise<string> {
  const { kid } = await currentSigner();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new SignJWT(managementClaims(options)).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey);
}

/** An unsigned token (`alg: none`). */
export async function unsignedToken(options: TokenOptions = {}): Promise<string> {
  const { kid } = await currentSigner();
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT', kid })}.${encode(managementClaims(options))}.`;
}
