import type { Query } from '#shared/management/search/ast';
import { validateFields } from '#shared/management/search/fields';
import { parseQuery } from '#shared/management/search/parse';
import { assertSupported, type SupportOptions } from '#shared/management/search/support';
import { assertTermLengths } from '#shared/management/search/term-length';
import { readTermsAhead } from '#shared/management/search/typed-values';

/**
 * A `q` parameter checked end to end: parsed, values no longer than MAX_TERM_LENGTH, fields known
 * and values typed, metadata patterns allowed; each term's number and date are read here, once.
 * Throws only InvalidQueryError subclasses (400 invalid_query_string).
 */
export function compileQuery(q: string, options: SupportOptions = {}): Query {
  const query = parseQuery(q);
  // Before anything else reads the values: checking types reads every bound.
  assertTermLengths(query);
  validateFields(query);
  assertSupported(query, options);
  readTermsAhead(query);
  return query;
}
