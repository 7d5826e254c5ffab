import type { Query } from '#shared/search/ast';
import { validateFields } from '#shared/search/fields';
import { parseQuery } from '#shared/search/parse';
import { assertSupported, type SupportOptions } from '#shared/search/support';

/**
 * A `q` parameter checked end to end: parsed, fields known and values typed, metadata patterns
 * allowed. Throws only InvalidQueryError subclasses (400 invalid_query_string).
 */
export function compileQuery(q: string, options: SupportOptions = {}): Query {
  const query = parseQuery(q);
  validateFields(query);
  assertSupported(query, options);
  return query;
}
