import { indexEntryPartition, type Key } from '#shared/db/keys';
import { MetadataLimitError } from '#shared/management/errors';
import { isIndexed, valuesAt } from '#shared/management/search/evaluate';
import { encodeValue, entrySortKey, shardOf, type EntryTag } from '#shared/db/index-entry-keys';
import { MAX_INDEX_ENTRIES_PER_USER, type IndexedUser, type SearchIndex } from '#shared/management/search-indexes/model';

/**
 * A user's index entries: for every indexed path, one item per distinct value found there (arrays
 * are looked through, as search does). Computed from the user's wire form, the same form search
 * matches against, so an index lookup and the in-memory evaluation read the same values.
 */
export interface IndexEntry extends Key {
  /** The user's id. */
  u: string;
  /** The value as stored (search re-checks each entry against the term with it); absent for objects. */
  v?: string | number | boolean;
  /** The user's created_at (never changes): results sort by it without reading the users. */
  c: string;
}

const fold = (kind: SearchIndex['kind'], text: string) => (kind === 'text-ci' ? text.toLowerCase() : text);

function tagged(value: unknown): { tag: EntryTag; value?: string | number | boolean } | undefined {
  if (typeof value === 'string') return { tag: 's', value };
  if (typeof value === 'number') return { tag: 'n', value };
  if (typeof value === 'boolean') return { tag: 'b', value };
  if (isIndexed(value)) return { tag: 'x' };
  return undefined;
}

/** The entries of one index for a user given in wire form. */
export function entriesOf(index: SearchIndex, wire: Record<string, unknown>, userId: string, createdAt: string): IndexEntry[] {
  const pk = indexEntryPartition(index.path, index.generation, shardOf(userId, index.shards));
  const entries = new Map<string, IndexEntry>();
  for (const raw of valuesAt(wire, index.path)) {
    const value = tagged(raw);
    if (!value) continue;
    const keyed = value.tag === 's' ? fold(index.kind, value.value as string) : value.value;
    const sk = entrySortKey(encodeValue(value.tag, keyed), userId);
    entries.set(sk, { pk, sk, u: userId, ...(value.value !== undefined ? { v: value.value } : {}), c: createdAt });
  }
  return [...entries.values()];
}

/**
 * Every entry the user holds in these indexes. With `enforceLimit` (a state about to be written),
 * more than MAX_INDEX_ENTRIES_PER_USER is a 400; a state being replaced or deleted is read as is.
 */
export function userEntries(user: IndexedUser, indexes: readonly SearchIndex[], enforceLimit = true): IndexEntry[] {
  const byIndex = indexes.map((index) => ({ path: index.path, entries: entriesOf(index, user, user.user_id, user.created_at) }));
  const entries = byIndex.flatMap(({ entries }) => entries);
  if (enforceLimit && entries.length > MAX_INDEX_ENTRIES_PER_USER) {
    const counts = byIndex.filter(({ entries }) => entries.length > 1).map(({ path, entries }) => `${path}: ${entries.length}`);
    throw new MetadataLimitError(
      `The user would hold ${entries.length} indexed values; at most ${MAX_INDEX_ENTRIES_PER_USER} can be indexed per user (${counts.join(', ')}).`,
    );
  }
  return entries;
}

/** What a change does to the user's entries: those to put and those to delete (by key). */
export interface EntryChanges {
  put: IndexEntry[];
  remove: Key[];
}

export function entryChanges(before: readonly IndexEntry[], after: readonly IndexEntry[]): EntryChanges {
  const id = (e: Key) => `${e.pk}\u0000${e.sk}`;
  const old = new Map(before.map((e) => [id(e), e]));
  const next = new Set(after.map(id));
  return {
    // Same key, same value: nothing to write (`v` is the same when the key is, except for case,
    // which a case-insensitive field folds; rewrite then, so the entry shows the stored value).
    put: after.filter((e) => old.get(id(e))?.v !== e.v),
    remove: [...old.values()].filter((e) => !next.has(id(e))).map(({ pk, sk }) => ({ pk, sk })),
  };
}
