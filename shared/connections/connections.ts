import { findConnection, type ConnectionRecord } from '#shared/db/connections-repo';
import { ConnectionNotFoundError } from '#shared/errors';

/**
 * Connections change rarely and are read on every user write, so each cold start keeps them for
 * CACHE_MS. A connection created or changed elsewhere is seen within that time.
 */
const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; value: ConnectionRecord | undefined }>();

export const DEFAULT_CONNECTION = 'Username-Password-Authentication';

export async function connectionByName(name: string): Promise<ConnectionRecord> {
  const hit = cache.get(name);
  let value = hit && Date.now() - hit.at < CACHE_MS ? hit.value : undefined;
  if (!value) {
    value = await findConnection(name);
    cache.set(name, { at: Date.now(), value });
  }
  if (!value) throw new ConnectionNotFoundError();
  return value;
}
