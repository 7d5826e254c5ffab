import { createHash, timingSafeEqual } from 'node:crypto';
import { TENANT_CACHE_TTL_MS, tenantCache, tenantChanged, ttlCache } from '#shared/platform/cache';
import {
  findClientWithGrants,
  insertClient,
  type ClientGrantRecord,
  type ClientRecord,
} from '#shared/db/clients-repo';
import type { StoredClientGrant } from '#shared/db/client-grants-repo';
import { listLiveConnectionRefs, readEnabledClients, replaceEnabledClients } from '#shared/db/enabled-clients-repo';
import { ConditionFailedError, WriteConflictError } from '#shared/db/errors';
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
  await storeNewClient(client, grants);
  return { client, client_secret };
}

/**
 * Auth0's `enable_client_connections` (on by default): a new client is enabled on every
 * connection, in the transaction that creates it (the directory's connections first, as many as
 * the transaction holds; any beyond that right after, by the list's own conditional write).
 * A connection created or deleted meanwhile cancels the transaction: listed again, tried again.
 */
const MAX_ENABLE_IN_TRANSACTION = 60;

export async function storeNewClient(client: ClientRecord, grants: StoredClientGrant[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const connections = await listLiveConnectionRefs();
    const inline = connections.slice(0, Math.max(0, MAX_ENABLE_IN_TRANSACTION - grants.length * 2));
    try {
      await insertClient(client, grants, inline);
      for (const ref of connections.slice(inline.length)) await enableClientOn(ref, client.client_id);
      tenantChanged();
      return;
    } catch (error) {
      if (!(error instanceof WriteConflictError) || attempt >= 10) throw error;
      // Creations racing for the same connection items: back off a little, with jitter.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * attempt));
    }
  }
}

/**
 * The seed's: a saved application stays enabled on the seeded connection, also in an install
 * whose connection predates enabled clients (its list is []). Idempotent.
 */
export async function ensureClientEnabled(connectionName: string, clientId: string): Promise<void> {
  const ref = (await listLiveConnectionRefs()).find((c) => c.name === connectionName);
  if (!ref) return;
  await enableClientOn(ref, clientId);
  tenantChanged();
}

/** Adds one client to one connection's list (conditional read-modify-write, retried on a conflict). */
async function enableClientOn(ref: { id: string; name: string }, clientId: string): Promise<void> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const current = await readEnabledClients(ref);
    if (!current || current.enabled_clients.includes(clientId)) return;
    try {
      await replaceEnabledClients(current, [...current.enabled_clients, clientId]);
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new WriteConflictError();
}

/** Whether an application may use a connection (Auth0's enabled clients), from the record already read. */
export const isClientEnabled = (connection: { enabled_clients?: readonly string[] }, clientId: string) =>
  Array.isArray(connection.enabled_clients) && connection.enabled_clients.includes(clientId);

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
