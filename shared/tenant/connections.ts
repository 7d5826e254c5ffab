import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { findConnection, listConnectionRecords, type ConnectionRecord } from '#shared/db/connections-repo';
import { ConnectionNotFoundError } from '#shared/tenant/errors';

export const DEFAULT_CONNECTION = 'Username-Password-Authentication';
/** The only strategy this service runs: a database connection (users with passwords). */
export const DATABASE_STRATEGY = 'auth0';

/** Read on every user write; a change to a connection is seen within TENANT_CACHE_TTL_MS (at once in this process). */
const cachedConnection = tenantCache(ttlCache<ConnectionRecord>(TENANT_CACHE_TTL_MS, 100, findConnection));

/** A connection being deleted is gone for everyone from its deletion's first write. */
export const isLiveConnection = (record: ConnectionRecord | undefined): record is ConnectionRecord =>
  record !== undefined && record.deleted_at === undefined;

export async function connectionByName(name: string): Promise<ConnectionRecord> {
  const connection = await cachedConnection(name);
  if (!isLiveConnection(connection)) throw new ConnectionNotFoundError();
  return connection;
}

/**
 * Every live connection, for what lists the connections enabled for an application (Lock's client
 * settings script): one directory Query and one BatchGetItem per 100 connections when cold,
 * cached like every tenant read.
 */
const cachedLiveConnections = tenantCache(ttlCache<ConnectionRecord[]>(TENANT_CACHE_TTL_MS, 1, async () => listConnectionRecords()));

/** The live connections of this strategy on which the application is enabled, by name. */
export async function connectionsEnabledFor(clientId: string, strategy: string): Promise<ConnectionRecord[]> {
  const all = (await cachedLiveConnections('all')) ?? [];
  return all
    .filter((c) => c.strategy === strategy && Array.isArray(c.enabled_clients) && c.enabled_clients.includes(clientId))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
