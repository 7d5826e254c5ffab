import type { Query } from '#shared/management/search/ast';

/**
 * How the clauses of an OR list combine. Explicit operators are boolean, as Auth0's documented
 * examples read them (`email_verified:false OR NOT _exists_:email_verified` means what it says).
 * Lucene's clause modifiers keep Lucene's meaning: `+x` must match, `-x` must not, and so does a
 * NOT joined to a neighbour without an operator (`a NOT b` is "a but not b", as in Lucene).
 */
export interface Clause {
  query: Query;
  modifier: 'plus' | 'minus' | null;
  /** Began with NOT (or `!`), without a modifier. */
  negated: boolean;
}

export const not = (clause: Query): Query => ({ kind: 'not', clause });

/** `explicitOr[i]`: clause i was preceded by OR (or `||`); index 0 is the list's start. */
export function combineOr(clauses: Clause[], explicitOr: boolean[]): Query {
  const joined = clauses.map((clause, i) => {
    const implicit = !(explicitOr[i] ?? true) || !(explicitOr[i + 1] ?? true);
    return clause.negated && implicit && clause.query.kind === 'not'
      ? { query: clause.query.clause, modifier: 'minus' as const, negated: false }
      : clause;
  });
  return combine(joined);
}

/** Without modifiers, an OR; with them, Lucene's must / must-not / should, in source order. */
function combine(clauses: Clause[]): Query {
  if (clauses.length === 1 && clauses[0]!.modifier !== 'minus') return clauses[0]!.query;
  if (clauses.every((c) => c.modifier === null)) return { kind: 'or', clauses: clauses.map((c) => c.query) };
  const hasMust = clauses.some((c) => c.modifier === 'plus');
  const should = clauses.filter((c) => c.modifier === null).map((c) => c.query);
  const all: Query[] = [];
  for (const { query, modifier } of clauses) {
    if (modifier === 'plus') all.push(query);
    else if (modifier === 'minus') all.push(not(query));
    // Without a required clause, one of the optional ones must match: they go in as one OR.
    else if (!hasMust && query === should[0]) all.push(should.length === 1 ? query : { kind: 'or', clauses: should });
  }
  return all.length === 1 ? all[0]! : { kind: 'and', clauses: all };
}
