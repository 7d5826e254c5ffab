import { createHash, randomBytes } from 'node:crypto';
import { putCode } from '#shared/db/codes-repo';
import type { JsonValue } from '#shared/platform/json';

/**
 * Authorization codes (contract with /authorize, docs/authorization-code.md). /authorize stores
 * the grant its login produced; POST /oauth/token (grants/authorization-code.ts) exchanges it
 * once. The table holds only the code's SHA-256, so a read of the table yields no usable code.
 */
export interface AuthorizationCodeGrant {
  client_id: string;
  /** The redirect_uri /authorize received, byte for byte (the token request must repeat it); '' when it had none. */
  redirect_uri: string;
  /** PKCE (S256 only; Auth0 does not support `plain`). Absent when /authorize had none. */
  code_challenge?: string;
  user_id: string;
  /** The connection's name. */
  connection: string;
  /** Negotiated (negotiateScopes) at /authorize. */
  scopes: string[];
  audience?: string;
  accessTokenLifetime?: number;
  /** Into the ID token. */
  nonce?: string;
  /** Epoch seconds of the user's last authentication (the ID token's `auth_time`). */
  auth_time: number;
  /** Custom claims from rules/actions (already filtered). */
  id_token_claims: Record<string, JsonValue>;
  access_token_claims: Record<string, JsonValue>;
}

/** A code is accepted for 60 seconds (Auth0's lifetime: docs/authorization-code.md). */
export const CODE_LIFETIME_SECONDS = 60;
/** Its item stays an hour more, so a replay of a used code still revokes what the code gave. */
export const CODE_REUSE_WINDOW_SECONDS = 3600;

/** The code's key in the table. */
export const codeDigest = (code: string) => createHash('sha256').update(code).digest('base64url');

/** Stores the grant (one PutItem, TTL 60 s, the code hashed as its key) and returns the code. */
export async function issueAuthorizationCode(grant: AuthorizationCodeGrant): Promise<string> {
  const code = randomBytes(32).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + CODE_LIFETIME_SECONDS;
  await putCode(codeDigest(code), {
    grant: grant as unknown as Record<string, JsonValue>,
    expires_at: expiresAt,
    ttl: expiresAt + CODE_REUSE_WINDOW_SECONDS,
  });
  return code;
}
