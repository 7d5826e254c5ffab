import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { atHash, signLoginTokens, type TokenFacts } from '#shared/authentication/login/tokens';
import { findUser } from '#shared/db/users-repo';
import { loadClient } from '#shared/tenant/clients';
import { claimsOf, seedApplication, seedLoginUser } from '#test/support/logins';

/**
 * signLoginTokens' optional OIDC claims: `nonce`, `auth_time`, and `at_hash` (OIDC Core
 * 3.2.2.9, for implicit `id_token token`); callers that pass none of them get none.
 */
let facts: Omit<TokenFacts, 'nonce' | 'authTime' | 'atHash'>;

beforeAll(async () => {
  const user = (await findUser((await seedLoginUser()).user_id as string))!;
  const { client } = (await loadClient((await seedApplication()).client_id))!;
  facts = { user, client, sid: 'sid-1', scopes: ['openid', 'profile'], audience: undefined, idTokenClaims: {}, accessTokenClaims: {} };
});

describe('ID token claims', () => {
  it('adds none of nonce, auth_time and at_hash unless asked', async () => {
    const claims = claimsOf((await signLoginTokens(facts)).id_token!);
    expect(claims).not.toHaveProperty('nonce');
    expect(claims).not.toHaveProperty('auth_time');
    expect(claims).not.toHaveProperty('at_hash');
  });

  it('echoes nonce and auth_time, and at_hash is the left half of the access token SHA-256, base64url', async () => {
    const tokens = await signLoginTokens({ ...facts, nonce: 'n+/=1', authTime: 1_700_000_123, atHash: true });
    const claims = claimsOf(tokens.id_token!);
    const expected = createHash('sha256').update(tokens.access_token).digest().subarray(0, 16).toString('base64url');
    expect(claims).toMatchObject({ nonce: 'n+/=1', auth_time: 1_700_000_123, at_hash: expected });
    expect(String(claims.at_hash)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('at_hash of the OIDC spec example access token', () => {
    // OpenID Connect Core, A.3/A.4: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" -> at_hash "77QmUPtjPfzWtF2AnpK9RQ".
    expect(atHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
  });

  it('without openid, no ID token at all', async () => {
    const tokens = await signLoginTokens({ ...facts, scopes: ['profile'], nonce: 'x', atHash: true });
    expect(tokens.id_token).toBeUndefined();
  });
});
