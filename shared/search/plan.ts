import type { Query, TermQuery, Value } from '#shared/search/ast';
import { fieldKind, isMetadataPath, UNFIELDED_FIELDS, type FieldKind } from '#shared/search/fields';
import { compareText, dateKey, parseNumber } from '#shared/search/values';
import { afterTag, encodeNumber, encodeText, encodeValue, SEPARATOR, TOP, type EntryTag } from '#shared/search-index/encoding';
import type { SearchIndex } from '#shared/search-index/model';

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
  const unindexed: string[] = [];
  const result = plan(query, byPath, unindexed);
  return { plan: result?.plan, exact: result?.exact ?? false, unindexed: [...new Set(unindexed)] };
}

function plan(query: Query, byPath: Map<string, SearchIndex>, unindexed: string[]): { plan: Plan; exact: boolean } | undefined {
  switch (query.kind) {
    case 'term':
      return planTerm(query, byPath, unindexed);
    case 'not':
      plan(query.clause, byPath, unindexed); // only to name what it reads
      return undefined;
    case 'or': {
      const children = query.clauses.map((clause) => plan(clause, byPath, unindexed));
      if (children.some((child) => child === undefined)) return undefined;
      const planned = children as { plan: Plan; exact: boolean }[];
      return { plan: { kind: 'union', children: planned.map((c) => c.plan) }, exact: planned.every((c) => c.exact) };
    }
    case 'and': {
      const children = query.clauses.map((clause) => plan(clause, byPath, unindexed));
      const planned = children.filter((child) => child !== undefined);
      if (planned.length === 0) return undefined;
      const exact = planned.length === children.length && planned.every((c) => c.exact);
      if (planned.length === 1) return { plan: planned[0]!.plan, exact };
      return { plan: { kind: 'intersect', children: planned.map((c) => c.plan) }, exact };
    }
  }
}

function planTerm(term: TermQuery, byPath: Map<string, SearchIndex>, unindexed: string[]): { plan: Plan; exact: boolean } | undefined {
  const fields = term.field === null ? UNFIELDED_FIELDS : [term.field];
  const lookups: Plan[] = [];
  for (const field of fields) {
    const index = byPath.get(field);
    if (!index) {
      unindexed.push(field);
      continue;
    }
    const compareAs = fieldKind(field) ?? 'text';
    lookups.push({ kind: 'lookup', index, term: { ...term, field }, compareAs, ranges: keyRanges(index, compareAs, term.value) });
  }
  if (lookups.length < fields.length) return undefined;
  return { plan: lookups.length === 1 ? lookups[0]! : { kind: 'union', children: lookups }, exact: true };
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
      if (value.kind === 'exact') {
        const number = parseNumber(value.text);
        if (number !== undefined) ranges.push({ prefix: `n${encodeNumber(number)}${SEPARATOR}` });
      } else if (value.kind === 'range') {
        const lower = value.lower === null ? null : parseNumber(value.lower);
        const upper = value.upper === null ? null : parseNumber(value.upper);
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
