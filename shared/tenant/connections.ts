import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { findConnection, type ConnectionRecord } from '#shared/db/connections-repo';
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
