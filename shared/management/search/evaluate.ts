import type { Query, RangeValue, TermQuery, Value } from '#shared/management/search/ast';
import { fieldKind, UNFIELDED_FIELDS, type FieldKind } from '#shared/management/search/fields';
import { datesOf, numbersOf } from '#shared/management/search/typed-values';
import { compareText, compareToDateKey, globMatches } from '#shared/management/search/values';

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
  return value.kind === 'range' && inRange(value, value.lower, value.upper, (bound) => compareText(text, fold(bound)));
}

function matchesNumber(value: Value, actual: number): boolean {
  const number = numbersOf(value);
  if (value.kind === 'exact') return number.exact === actual;
  return value.kind === 'range' && inRange(value, number.lower, number.upper, (bound) => Math.sign(actual - bound));
}

function matchesDate(value: Value, actual: string): boolean {
  const date = datesOf(value);
  if (value.kind === 'exact') return date.exact !== undefined && compareToDateKey(actual, date.exact) === 0;
  return value.kind === 'range' && inRange(value, date.lower, date.upper, (key) => compareToDateKey(actual, key));
}

/**
 * Whether the actual value lies in a range whose bounds were read as T (once, for numbers and dates:
 * typed-values.ts); null is an open end, undefined a bound not of that type, which matches nothing.
 * `compare(bound)` orders the actual value against a bound.
 */
function inRange<T>(range: RangeValue, lowerBound: T | null | undefined, upperBound: T | null | undefined, compare: (bound: T) => number): boolean {
  if (lowerBound === undefined || upperBound === undefined) return false;
  const lower = lowerBound === null ? 1 : compare(lowerBound);
  const upper = upperBound === null ? -1 : compare(upperBound);
  return (range.includeLower ? lower >= 0 : lower > 0) && (range.includeUpper ? upper <= 0 : upper < 0);
}
