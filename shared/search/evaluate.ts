import type { Query, RangeValue, TermQuery, Value } from '#shared/search/ast';
import { fieldKind, UNFIELDED_FIELDS, type FieldKind } from '#shared/search/fields';
import { compareText, compareToDateKey, dateKey, globMatches, parseNumber } from '#shared/search/values';

/**
 * Whether one user, in Auth0's wire form (toWireUser), matches a query: the straightforward
 * in-memory meaning of a query that index plans are checked against.
 */
export function matches(query: Query, user: Record<string, unknown>): boolean {
  switch (query.kind) {
    case 'and':
      return query.clauses.every((clause) => matches(clause, user));
    case 'or':
      return query.clauses.some((clause) => matches(clause, user));
    case 'not':
      return !matches(query.clause, user);
    case 'term':
      return matchesTerm(query, user);
  }
}

function matchesTerm(term: TermQuery, user: Record<string, unknown>): boolean {
  const fields = term.field === null ? UNFIELDED_FIELDS : [term.field];
  return fields.some((field) => {
    const values = valuesAt(user, field);
    if (term.value.kind === 'exists') return values.some(isIndexed);
    const kind = fieldKind(field) ?? 'text';
    return values.some((value) => matchesValue(kind, term.value, value));
  });
}

/**
 * The values at a dotted path. Arrays are looked through at every level, as the search index
 * flattens them (`user_metadata.addresses.city` reads every address's city, `identities.connection`
 * every identity's). Own properties only: `user_metadata.constructor` is not a path into Object.
 */
export function valuesAt(user: Record<string, unknown>, path: string): unknown[] {
  if (path === 'email.domain') {
    const email = user.email;
    return typeof email === 'string' && email.includes('@') ? [email.slice(email.lastIndexOf('@') + 1)] : [];
  }
  let current: unknown[] = [user];
  for (const segment of path.split('.')) {
    current = flatten(current).flatMap((value) =>
      isObject(value) && Object.hasOwn(value, segment) ? [value[segment]] : [],
    );
  }
  return flatten(current);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const flatten = (values: unknown[]): unknown[] => values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));

/** Null, empty arrays and empty objects are not indexed, so `_exists_` does not see them. */
export function isIndexed(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some(isIndexed);
  if (isObject(value)) return Object.values(value).some(isIndexed);
  return true;
}

/** A term meets one scalar: booleans by `true`/`false`, numbers by value, strings by the field's rules. */
export function matchesValue(kind: FieldKind, value: Value, actual: unknown): boolean {
  if (typeof actual === 'boolean') return value.kind === 'exact' && value.text === String(actual);
  if (typeof actual === 'number') return matchesNumber(value, actual);
  if (typeof actual !== 'string') return false;
  if (kind === 'date') return matchesDate(value, actual);
  const fold = kind === 'text-ci' ? (text: string) => text.toLowerCase() : (text: string) => text;
  const text = fold(actual);
  if (value.kind === 'exact') return text === fold(value.text);
  if (value.kind === 'wildcard') return globMatches(value.parts.map(fold), text);
  return value.kind === 'range' && inRange(value, (bound) => compareText(text, fold(bound)));
}

function matchesNumber(value: Value, actual: number): boolean {
  if (value.kind === 'exact') return parseNumber(value.text) === actual;
  const compare = (bound: string) => {
    const number = parseNumber(bound);
    return number === undefined ? undefined : Math.sign(actual - number);
  };
  return value.kind === 'range' && inRange(value, compare);
}

function matchesDate(value: Value, actual: string): boolean {
  const compare = (bound: string) => {
    const key = dateKey(bound);
    return key === undefined ? undefined : compareToDateKey(actual, key);
  };
  if (value.kind === 'exact') return compare(value.text) === 0;
  return value.kind === 'range' && inRange(value, compare);
}

/** `compare(bound)` orders the actual value against a bound; undefined when the bound cannot be compared. */
function inRange(range: RangeValue, compare: (bound: string) => number | undefined): boolean {
  const lower = range.lower === null ? 1 : compare(range.lower);
  const upper = range.upper === null ? -1 : compare(range.upper);
  if (lower === undefined || upper === undefined) return false;
  return (range.includeLower ? lower >= 0 : lower > 0) && (range.includeUpper ? upper <= 0 : upper < 0);
}
