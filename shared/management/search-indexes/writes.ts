import { MetadataLimitError } from '#shared/management/errors';
import { isPlainObject } from '#shared/platform/json';
import { valuesAt } from '#shared/management/search/evaluate';
import { entryChanges, userEntries, type EntryChanges } from '#shared/management/search-indexes/entries';
import { ROOT_INDEXED_USER_FIELDS, type IndexedUser, type SearchIndex } from '#shared/management/search-indexes/model';
import type { UserChanges } from '#shared/management/users/changes';

/**
 * What a user write must do for the search indexes: whether a change can move entries at all
 * (if not, it stays one UpdateItem with no read), the entries to put and delete when it does,
 * and the declared types the new values must have.
 *
 * A newly declared index is known to some writers before others (each warm Lambda caches the
 * declarations). Writers that know it send changes under its path through the read-and-transaction
 * path at once, but write its entries only from its `writesFrom`, when every writer knows it: so
 * no writer that ignores the index can ever change a value after its entry was written. The
 * backfill starts once the writes begun before `writesFrom` have ended.
 */
export function touchesIndexes(changes: UserChanges, indexes: readonly SearchIndex[]): boolean {
  if ([...Object.keys(changes.set), ...changes.remove].some((field) => ROOT_INDEXED_USER_FIELDS.has(field))) return true;
  return Object.entries(changes.metadata).some(([store, update]) => {
    const paths = indexes.filter((index) => index.path.startsWith(`${store}.`)).map((index) => index.path);
    if (paths.length === 0) return false;
    if (update.clear) return true;
    const keys = [...update.set.map(([key]) => key), ...update.remove];
    return keys.some((key) => paths.some((path) => path === `${store}.${key}` || path.startsWith(`${store}.${key}.`)));
  });
}

/**
 * A value written at a declared path must have the declared type (arrays of it are fine: each
 * element is indexed). Only paths whose values this write changes are checked, so a user holding
 * an older value of another type can still be changed elsewhere.
 */
export function assertDeclaredTypes(before: IndexedUser | undefined, after: IndexedUser, indexes: readonly SearchIndex[]): void {
  const declared = indexes.filter((index) => index.type !== undefined);
  if (declared.length === 0) return;
  const old = before ?? {};
  const next = after;
  for (const index of declared) {
    const values = valuesAt(next, index.path);
    if (JSON.stringify(values) === JSON.stringify(valuesAt(old, index.path))) continue;
    const wrong = values.find((value) => value !== null && typeof value !== index.type);
    if (wrong !== undefined) {
      const got = isPlainObject(wrong) ? 'an object' : `a ${typeof wrong}`;
      throw new MetadataLimitError(
        `${index.path} is indexed for search as ${index.type} (see /api/v2/search-indexes); this write gives it ${got}.`,
      );
    }
  }
}

/** The indexes whose entries writers keep now (decided when a write is built, after its read). */
export const writableIndexes = (indexes: readonly SearchIndex[], now = Date.now()): SearchIndex[] =>
  indexes.filter((index) => index.writesFrom === undefined || Date.parse(index.writesFrom) <= now);

/** The entry changes between two states of a user, in wire form (undefined: it does not exist). */
export function indexChanges(before: IndexedUser | undefined, after: IndexedUser | undefined, indexes: readonly SearchIndex[]): EntryChanges {
  const writable = writableIndexes(indexes);
  return entryChanges(before ? userEntries(before, writable, false) : [], after ? userEntries(after, writable) : []);
}
