import type { FieldKind } from '#shared/management/search/fields';

/**
 * What search can read from an index instead of scanning. Root fields are indexed from the start;
 * metadata paths are declared by an administrator with a type. Both keep one entry per (path,
 * value, user), written in the same transaction as the user.
 */
export const DECLARED_TYPES = ['string', 'number', 'boolean'] as const;
export type DeclaredType = (typeof DECLARED_TYPES)[number];

/**
 * `building`: writers keep its entries, a backfill job is adding the users that existed before;
 * search does not use it yet. `ready`: search uses it.
 */
export type IndexStatus = 'building' | 'ready';

/** One indexed path, as writers and the planner see it. */
export interface SearchIndex {
  path: string;
  /** How values compare (the search field kinds): metadata paths are 'metadata'. */
  kind: FieldKind;
  /** Declared metadata indexes: the type writes must keep. Root fields: undefined. */
  type?: DeclaredType;
  status: IndexStatus;
  /** Entries live under this generation: a path declared again never meets an old declaration's entries. */
  generation: string;
  shards: number;
  /**
   * The backfill found values of another type (written before the declaration): lookups then read
   * every type's entries, so results stay exact.
   */
  mixed: boolean;
  /** Declared indexes: writers keep entries from this time (ISO); before, a change only takes the careful path. */
  writesFrom?: string;
}

/**
 * Root fields indexed from the start, with their kinds. Left out on purpose: `updated_at` (every
 * write changes it), `logins_count`, `last_login` and `last_ip` (every login does); indexing them
 * would turn a one-item metadata PATCH or a login into a read and a transaction. Search filters
 * on them after an indexed term, or scans.
 */
export const ROOT_INDEXED_FIELDS: ReadonlyMap<string, FieldKind> = new Map<string, FieldKind>([
  ['user_id', 'text'],
  ['email', 'text-ci'],
  ['email.domain', 'text-ci'],
  ['name', 'text-ci'],
  ['nickname', 'text-ci'],
  ['given_name', 'text-ci'],
  ['family_name', 'text-ci'],
  ['username', 'text'],
  ['phone_number', 'text'],
  ['identities.connection', 'text'],
  ['created_at', 'date'],
  ['email_verified', 'boolean'],
  ['blocked', 'boolean'],
]);

/** User fields whose change moves root index entries (a PATCH of any other root field does not). */
export const ROOT_INDEXED_USER_FIELDS: ReadonlySet<string> = new Set([
  'email', 'name', 'nickname', 'given_name', 'family_name', 'username', 'phone_number', 'email_verified', 'blocked',
]);

/** Root entries are spread over this many partitions per field (fixed: changing it would orphan entries). */
export const ROOT_SHARDS = 8;
export const ROOT_GENERATION = 'r1';

/** The root-field indexes in a given state. */
export function rootIndexes(status: IndexStatus): SearchIndex[] {
  return [...ROOT_INDEXED_FIELDS].map(([path, kind]) => ({
    path, kind, status, generation: ROOT_GENERATION, shards: ROOT_SHARDS, mixed: false,
  }));
}

/**
 * A user's index entries are written in one transaction with the user (at most 100 items), so
 * a user may hold at most this many indexed values (root fields included).
 */
export const MAX_INDEX_ENTRIES_PER_USER = 40;

/**
 * A user as the indexes see it: Auth0's wire form (the users area's toWireUser), the same form
 * search matches against. Callers convert; this area never reads a stored user record, so it does
 * not depend on the users area that writes its entries.
 */
export type IndexedUser = Readonly<Record<string, unknown>> & { readonly user_id: string; readonly created_at: string };

/** Declared indexes per tenant: every user write checks them, and each costs writes. */
export const MAX_DECLARED_INDEXES = 20;
