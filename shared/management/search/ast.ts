/**
 * The parsed form of an Auth0 v3 user-search query (`q`). Values keep their raw text: typing happens
 * when a query meets a user, because a metadata value `13` may be stored as a number or a string.
 */
export type Query = TermQuery | AndQuery | OrQuery | NotQuery;

export interface TermQuery {
  kind: 'term';
  /** A dotted path (`user_metadata.plan`, `identities.connection`), or null for an unfielded term. */
  field: string | null;
  value: Value;
}

export interface AndQuery {
  kind: 'and';
  clauses: Query[];
}

export interface OrQuery {
  kind: 'or';
  clauses: Query[];
}

export interface NotQuery {
  kind: 'not';
  clause: Query;
}

export type Value = ExactValue | WildcardValue | RangeValue | ExistsValue;

/** A bare word or a quoted phrase: both match the whole value (v3 does not tokenize). */
export interface ExactValue {
  kind: 'exact';
  text: string;
}

/**
 * A pattern with `*` (Auth0 v3 has no `?`). `parts` are the literal pieces between the stars,
 * unescaped: `jo*` is `['jo', '']`, `*usa` is `['', 'usa']`, `jane*smith` is `['jane', 'smith']`.
 * Kept as pieces, not a string, so that an escaped `\*` stays a literal star.
 */
export interface WildcardValue {
  kind: 'wildcard';
  parts: string[];
}

/** `[a TO b]`, `{a TO b}` or mixed; a null bound is an open end (`*`). */
export interface RangeValue {
  kind: 'range';
  lower: string | null;
  upper: string | null;
  includeLower: boolean;
  includeUpper: boolean;
}

/** `_exists_:field`, or `field:*`. */
export interface ExistsValue {
  kind: 'exists';
}

/** `jo*` (a literal prefix, then one trailing star). */
export const isPrefixPattern = (value: WildcardValue) =>
  value.parts.length === 2 && value.parts[0] !== '' && value.parts[1] === '';

/** Calls `visit` for every term; the tree's depth is bounded by the parser. */
export function forEachTerm(query: Query, visit: (term: TermQuery) => void): void {
  if (query.kind === 'term') visit(query);
  else if (query.kind === 'not') forEachTerm(query.clause, visit);
  else for (const clause of query.clauses) forEachTerm(clause, visit);
}
