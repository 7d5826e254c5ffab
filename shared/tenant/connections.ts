import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { findConnection, type ConnectionRecord } from '#shared/db/connections-repo';
import { ConnectionNotFoundError } from '#shared/tenant/errors';

export const DEFAULT_CONNECTION = 'Username-Password-Authentication';

/** Read on every user write; a change to a connection is seen within TENANT_CACHE_TTL_MS (at once in this process). */
const cachedConnection = tenantCache(ttlCache<ConnectionRecord>(TENANT_CACHE_TTL_MS, 100, findConnection));

export async function connectionByName(name: string): Promise<ConnectionRecord> {
  const connection = await cachedConnection(name);
  if (!connection) throw new ConnectionNotFoundError();
  return connection;
}
