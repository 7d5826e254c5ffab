import * as repo from '#shared/db/rules-repo';
import { retryStale } from '#shared/management/rules/retry-stale';

/**
 * /api/v2/rules-configs: values rules read as `configuration`. The Management API sets and deletes
 * them but lists keys only; values leave the table only for logins (shared/sandbox/load.ts).
 */
export async function putRulesConfig(key: string, value: string): Promise<{ key: string; value: string }> {
  await retryStale(() => repo.putRulesConfig({ key, value, updated_at: new Date().toISOString() }));
  return { key, value };
}

export async function listRulesConfigs(): Promise<{ key: string }[]> {
  const keys = await repo.listRulesConfigKeys();
  return keys.sort().map((key) => ({ key }));
}

/** Deleting a key that is not set is not an error (the call is idempotent, like rule deletion). */
export const deleteRulesConfig = (key: string) => retryStale(() => repo.deleteRulesConfig(key));
