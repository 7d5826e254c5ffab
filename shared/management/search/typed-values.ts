import { forEachTerm, type Query, type Value } from '#shared/management/search/ast';
import { dateKey, parseNumber } from '#shared/management/search/values';

/**
 * A term's texts read as a number and as a date, once per term. The AST keeps raw text (a metadata
 * `13` may meet a number or a string), but matching used to re-read the term for every value a
 * user holds; a user with 50,000 numbers met the same bound 50,000 times. The readings are kept
 * beside the term's value (a WeakMap, so they go with the query), and compileQuery fills them in.
 */
export interface Typed<T> {
  /** An exact value's reading; undefined: not of this type (or not an exact value). */
  exact: T | undefined;
  /** A range's bounds: null is an open end, undefined a bound not of this type. */
  lower: T | null | undefined;
  upper: T | null | undefined;
}

const numbers = new WeakMap<Value, Typed<number>>();
const dates = new WeakMap<Value, Typed<string>>();

function typed<T>(cache: WeakMap<Value, Typed<T>>, value: Value, read: (text: string) => T | undefined): Typed<T> {
  let found = cache.get(value);
  if (!found) {
    const bound = (text: string | null) => (text === null ? null : read(text));
    found = value.kind === 'exact'
      ? { exact: read(value.text), lower: undefined, upper: undefined }
      : value.kind === 'range'
        ? { exact: undefined, lower: bound(value.lower), upper: bound(value.upper) }
        : { exact: undefined, lower: undefined, upper: undefined };
    cache.set(value, found);
  }
  return found;
}

/** The value as numbers (parseNumber). */
export const numbersOf = (value: Value): Typed<number> => typed(numbers, value, parseNumber);

/** The value as date keys (dateKey). */
export const datesOf = (value: Value): Typed<string> => typed(dates, value, dateKey);

/** Reads every term now, so that matching users reads none. */
export function readTermsAhead(query: Query): void {
  forEachTerm(query, ({ value }) => {
    numbersOf(value);
    datesOf(value);
  });
}
