import type { Query, TermQuery, Value } from '#shared/management/search/ast';
import { fieldKind, isMetadataPath, UNFIELDED_FIELDS, type FieldKind } from '#shared/management/search/fields';
import { numbersOf } from '#shared/management/search/typed-values';
import { compareText, dateKey } from '#shared/management/search/values';
import { afterTag, encodeNumber, encodeText, encodeValue, SEPARATOR, TOP, type EntryTag } from '#shared/db/index-entry-keys';
import type { SearchIndex } from '#shared/management/search-indexes/model';

/**
 * Query planning: which parts of a query the indexes can answer. A term on an indexed path is a
 * lookup (one or more sort-key ranges in each of the index's shards); OR of lookups is their union;
 * AND is the intersection of its indexed clauses, with the others checked on the users fetched.
 * NOT, and terms on paths without an index, cannot narrow anything by themselves.
 */
export type Plan = LookupPlan | { kind: 'union'; children: Plan[] } | { kind: 'intersect'; children: Plan[] };

export interface LookupPlan {
  kind: 'lookup';
  index: SearchIndex;
  /** The term each entry read is checked against (the ranges are a superset of its matches). */
  term: TermQuery;
  /** How the term compares values (as the in-memory evaluation does). */
  compareAs: FieldKind;
  /** Sort-key ranges to read in every shard; empty: nothing can match. */
  ranges: KeyRange[];
}

/** A sort-key condition: `begins_with(sk, prefix)`, `sk BETWEEN from AND to`, or the whole partition. */
export type KeyRange = { prefix: string } | { from: string; to: string } | { all: true };

export interface PlannedQuery {
  /** Undefined: no index narrows the query; it needs a scan. */
  plan: Plan | undefined;
  /** The plan's result is the query's (no user needs to be checked in memory). */
  exact: boolean;
  /** Paths the query reads that have no usable index, in query order, for the error that asks to declare one. */
  unindexed: string[];
}

/** Plans a query over the indexes search may use (status `ready`). */
export function planQuery(query: Query, indexes: readonly SearchIndex[]): PlannedQuery {
  const byPath = new Map(indexes.filter((index) => index.status === 'ready').map((index) => [index.path, index]));
  const context: Context = { byPath, unindexed: [], lookups: new Map() };
  const result = plan(query, context);
  return { plan: result?.plan, exact: result?.exact ?? false, unindexed: [...new Set(context.unindexed)] };
}

interface Context {
  byPath: Map<string, SearchIndex>;
  unindexed: string[];
  /**
   * Every lookup planned so far, by what it reads and checks: a term that appears again (`* OR * OR
   * …`, or in two branches) is the same lookup, so unions below hold it once and the reads it
   * makes are shared (execute.ts shares pages of one partition and range between lookups).
   */
  lookups: Map<string, LookupPlan>;
}

function plan(query: Query, context: Context): { plan: Plan; exact: boolean } | undefined {
  switch (query.kind) {
    case 'term':
      return planTerm(query, context);
    case 'not':
      plan(query.clause, context); // only to name what it reads
      return undefined;
    case 'or': {
      const children = query.clauses.map((clause) => plan(clause, context));
      if (children.some((child) => child === undefined)) return undefined;
      const planned = children as { plan: Plan; exact: boolean }[];
      return { plan: union(planned.map((c) => c.plan)), exact: planned.every((c) => c.exact) };
    }
    case 'and': {
      const children = query.clauses.map((clause) => plan(clause, context));
      const planned = children.filter((child) => child !== undefined);
      if (planned.length === 0) return undefined;
      const exact = planned.length === children.length && planned.every((c) => c.exact);
      const distinct = [...new Set(planned.map((c) => c.plan))];
      if (distinct.length === 1) return { plan: distinct[0]!, exact };
      return { plan: { kind: 'intersect', children: distinct }, exact };
    }
  }
}

/** A union of unions is one union; a lookup (the same object for the same term) is in it once. */
function union(plans: Plan[]): Plan {
  const children = [...new Set(plans.flatMap((p) => (p.kind === 'union' ? p.children : [p])))];
  return children.length === 1 ? children[0]! : { kind: 'union', children };
}

function planTerm(term: TermQuery, context: Context): { plan: Plan; exact: boolean } | undefined {
  const fields = term.field === null ? UNFIELDED_FIELDS : [term.field];
  const lookups: Plan[] = [];
  for (const field of fields) {
    const index = context.byPath.get(field);
    if (!index) {
      context.unindexed.push(field);
      continue;
    }
    const compareAs = fieldKind(field) ?? 'text';
    lookups.push(sameLookup(context, { kind: 'lookup', index, term: { ...term, field }, compareAs, ranges: keyRanges(index, compareAs, term.value) }));
  }
  if (lookups.length < fields.length) return undefined;
  return { plan: union(lookups), exact: true };
}

/** The lookup already planned for the same index, ranges and check (case folded where the field ignores case), or this one. */
function sameLookup(context: Context, lookup: LookupPlan): LookupPlan {
  const { index, compareAs, term, ranges } = lookup;
  const value = JSON.stringify(term.value);
  const key = JSON.stringify([index.path, index.generation, compareAs, compareAs === 'text-ci' ? value.toLowerCase() : value, ranges]);
  const known = context.lookups.get(key);
  if (known) return known;
  context.lookups.set(key, lookup);
  return lookup;
}

/** The entry types a lookup reads: one for a root field or a declared index that holds only its type. */
function tagsOf(index: SearchIndex, compareAs: FieldKind): EntryTag[] {
  if (compareAs === 'boolean') return ['b'];
  if (!isMetadataPath(index.path)) return ['s'];
  if (index.mixed || !index.type) return ['s', 'n', 'b'];
  return [index.type === 'string' ? 's' : index.type === 'number' ? 'n' : 'b'];
}

/**
 * Sort-key ranges that hold every entry the term can match (entries read are then checked
 * against the term, so a range may be wider than the matches, never narrower).
 */
export function keyRanges(index: SearchIndex, compareAs: FieldKind, value: Value): KeyRange[] {
  if (value.kind === 'exists') return [{ all: true }];
  const fold = (text: string) => (compareAs === 'text-ci' ? text.toLowerCase() : text);
  const text = (raw: string) => encodeText(fold(compareAs === 'date' ? (dateKey(raw) ?? raw) : raw));
  const ranges: KeyRange[] = [];
  for (const tag of tagsOf(index, compareAs)) {
    if (tag === 's') {
      // A date is a prefix of the timestamps in its period; other text is one value (truncated entries share a key).
      if (value.kind === 'exact') ranges.push({ prefix: compareAs === 'date' ? `s${text(value.text)}` : `${encodeValue('s', fold(value.text))}${SEPARATOR}` });
      // Only the literal text before the first star narrows the range.
      else if (value.kind === 'wildcard') ranges.push({ prefix: `s${encodeText(fold(value.parts[0] ?? ''))}` });
      else ranges.push({ from: value.lower === null ? 's' : `s${text(value.lower)}`, to: value.upper === null ? afterTag('s') : `s${text(value.upper)}${TOP}` });
    } else if (tag === 'n') {
      const { exact: number, lower, upper } = numbersOf(value);
      if (value.kind === 'exact') {
        if (number !== undefined) ranges.push({ prefix: `n${encodeNumber(number)}${SEPARATOR}` });
      } else if (value.kind === 'range') {
        // A bound that is not a number matches no number (as in memory).
        if (lower !== undefined && upper !== undefined) {
          ranges.push({ from: lower === null ? 'n' : `n${encodeNumber(lower)}`, to: upper === null ? afterTag('n') : `n${encodeNumber(upper)}${TOP}` });
        }
      }
    } else if (tag === 'b' && value.kind === 'exact' && (value.text === 'true' || value.text === 'false')) {
      ranges.push({ prefix: `b${value.text}${SEPARATOR}` });
    }
  }
  // An inverted range (`[z TO a]`) matches nothing; DynamoDB refuses BETWEEN with its bounds reversed.
  return ranges.filter((range) => !('from' in range) || compareText(range.from, range.to) <= 0);
}
