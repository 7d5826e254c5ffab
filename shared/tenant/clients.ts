import { createHash, timingSafeEqual } from 'node:crypto';
import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import {
  findClientWithGrants,
  insertClient,
  type ClientGrantRecord,
  type ClientRecord,
} from '#shared/db/clients-repo';
import { newClientGrantId, newClientId, newClientSecret } from '#shared/platform/ids';

/**
 * Applications (Auth0 "clients") and their grants to APIs. Secrets are shown once, at creation,
 * and stored only as a SHA-256 digest.
 */
export const hashClientSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export interface NewClient {
  name: string;
  app_type: ClientRecord['app_type'];
  grant_types: string[];
  /** `seeded_scopes`: the seed's Management grant records the catalogue it holds (management/client-grants/bootstrap.ts). */
  grants?: { audience: string; scope: readonly string[]; seeded_scopes?: readonly string[] }[];
}

export async function createClient(input: NewClient): Promise<{ client: ClientRecord; client_secret: string }> {
  const client_secret = newClientSecret();
  const client: ClientRecord = {
    client_id: newClientId(),
    name: input.name,
    app_type: input.app_type,
    grant_types: input.grant_types,
    client_secret_hash: hashClientSecret(client_secret),
    is_first_party: true,
    created_at: new Date().toISOString(),
  };
  const grants = (input.grants ?? []).map((g) => ({
    id: newClientGrantId(), client_id: client.client_id, audience: g.audience, scope: [...g.scope], created_at: client.created_at,
    ...(g.seeded_scopes ? { seeded_scopes: [...g.seeded_scopes] } : {}),
  }));
  await insertClient(client, grants);
  return { client, client_secret };
}

/**
 * Clients are read on every token request; a warm Lambda keeps each found client for
 * TENANT_CACHE_TTL_MS (a rotated secret or removed grant reaches it within that time; this
 * process sees it at once, see tenantChanged).
 */
export const loadClient = tenantCache(ttlCache(TENANT_CACHE_TTL_MS, 1000, findClientWithGrants));

export function secretMatches(client: ClientRecord, secret: string): boolean {
  const given = Buffer.from(hashClientSecret(secret), 'hex');
  const stored = Buffer.from(client.client_secret_hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
