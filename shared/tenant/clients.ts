import { createHash, timingSafeEqual } from 'node:crypto';
import { TENANT_CACHE_TTL_MS, tenantCache, tenantChanged, ttlCache } from '#shared/platform/cache';
import {
  findClientWithGrants,
  insertClient,
  type ClientGrantRecord,
  type ClientRecord,
} from '#shared/db/clients-repo';
import type { StoredClientGrant } from '#shared/db/client-grants-repo';
import { listLiveConnectionRefs, readEnabledClients, replaceEnabledClients, type ConnectionRef } from '#shared/db/enabled-clients-repo';
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
 * connection. As many as its transaction holds are in the transaction that creates it; any beyond
 * are written FIRST, each by the list's own conditional write (idempotent: an id already there is
 * left). The client exists only once its transaction commits, so a fault or crash part way never
 * leaves a client enabled on only some connections; at worst its id stays on some lists with no
 * client behind it (removed here when the failure is known; docs/applications.md).
 * A connection created or deleted meanwhile cancels the transaction: listed again, tried again.
 */
const MAX_ENABLE_IN_TRANSACTION = 60;

export async function storeNewClient(client: ClientRecord, grants: StoredClientGrant[]): Promise<void> {
  const enabledBefore = new Map<string, ConnectionRef>();
  for (let attempt = 1; ; attempt++) {
    const connections = await listLiveConnectionRefs();
    // A connection already enabled on an earlier attempt stays out of the transaction (its append would repeat the id).
    const pending = connections.filter((c) => !enabledBefore.has(c.id));
    const inline = pending.slice(0, Math.max(0, MAX_ENABLE_IN_TRANSACTION - grants.length * 2));
    try {
      for (const ref of pending.slice(inline.length)) {
        await enableClientOn(ref, client.client_id);
        enabledBefore.set(ref.id, ref);
      }
    } catch (error) {
      await undoEnabled([...enabledBefore.values()], client.client_id);
      throw error;
    }
    try {
      await insertClient(client, grants, inline);
      tenantChanged();
      return;
    } catch (error) {
      // Any other failure may hide a committed transaction: the ids stay rather than half-enable a client.
      if (!(error instanceof WriteConflictError)) throw error;
      if (attempt >= 10) {
        await undoEnabled([...enabledBefore.values()], client.client_id);
        throw error;
      }
      // Creations racing for the same connection items: back off a little, with jitter.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * attempt));
    }
  }
}

/** Best effort: takes a client that was never created off the lists it was put on (a failure here leaves a harmless id). */
async function undoEnabled(refs: readonly ConnectionRef[], clientId: string): Promise<void> {
  for (const ref of refs) {
    try {
      await changeEnabled(ref, (ids) => (ids.includes(clientId) ? ids.filter((id) => id !== clientId) : undefined));
    } catch {
      // The original failure is the one to answer.
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

/** Adds one client to one connection's list (idempotent). */
const enableClientOn = (ref: ConnectionRef, clientId: string) =>
  changeEnabled(ref, (ids) => (ids.includes(clientId) ? undefined : [...ids, clientId]));

/** One connection's list changed by `next` (undefined: no change), a conditional read-modify-write retried on a conflict. */
async function changeEnabled(ref: ConnectionRef, next: (ids: readonly string[]) => string[] | undefined): Promise<void> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const current = await readEnabledClients(ref);
    const changed = current && next(current.enabled_clients);
    if (!current || !changed) return;
    try {
      await replaceEnabledClients(current, changed);
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
