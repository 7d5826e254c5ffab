import type { JsonObject, JsonValue } from '#shared/platform/json';

/**
 * Auth0's merge rules for metadata, as data: an empty object clears the store; otherwise keys are
 * merged at the first level only (a nested object replaces the stored one) and `null` deletes.
 * The repository turns a MetadataUpdate into one UpdateItem; `applyMetadataUpdate` is the same
 * rule in memory (rules, tests, and transactions that must know the result without a read).
 */
export interface MetadataUpdate {
  clear: boolean;
  set: [string, JsonValue][];
  remove: string[];
}

export function metadataUpdate(patch: Record<string, unknown>): MetadataUpdate {
  const entries = Object.entries(patch);
  if (entries.length === 0) return { clear: true, set: [], remove: [] };
  return {
    clear: false,
    set: entries.filter(([, v]) => v !== null) as [string, JsonValue][],
    remove: entries.filter(([, v]) => v === null).map(([k]) => k),
  };
}

export function applyMetadataUpdate(stored: JsonObject, update: MetadataUpdate): JsonObject {
  if (update.clear) return {};
  // Object.fromEntries defines own properties, so a key named like a prototype member stays data.
  const removed = new Set(update.remove);
  const kept = Object.entries(stored).filter(([k]) => !removed.has(k) && !update.set.some(([s]) => s === k));
  return Object.fromEntries([...kept, ...update.set]);
}
