import type { Query, Value } from '#shared/management/search/ast';
import { combineOr, not, type Clause } from '#shared/management/search/clauses';
import { QuerySyntaxError } from '#shared/management/errors';
import { tokenize, type Token, type TokenKind } from '#shared/management/search/lexer';
import { bareValue, fieldPath } from '#shared/management/search/term-values';

/**
 * Auth0 v3's query syntax (the Lucene query_string subset its docs describe), parsed into a Query.
 * Throws only QuerySyntaxError, for any input.
 *
 * Precedence: NOT, then AND, then OR; adjacent clauses without an operator are ORed (Lucene's
 * default operator). `+x`, `-x` and `a NOT b` keep Lucene's meaning (see clauses.ts).
 */
export const MAX_QUERY_LENGTH = 2000;
export const MAX_DEPTH = 32;
export const MAX_TERMS = 100;

export function parseQuery(q: string): Query {
  if (q.length > MAX_QUERY_LENGTH) {
    throw new QuerySyntaxError(`The query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH + 1);
  }
  return new Parser(tokenize(q), q.length + 1).parse();
}

type Modifier = Clause['modifier'];

const STARTS_CLAUSE = new Set<TokenKind>(['term', 'quoted', 'lparen', 'not', 'plus', 'minus', 'range-start']);

class Parser {
  private index = 0;
  private terms = 0;

  constructor(
    private readonly tokens: readonly Token[],
    /** The position just past the last character, for errors at the end. */
    private readonly end: number,
  ) {}

  parse(): Query {
    if (this.tokens.length === 0) throw new QuerySyntaxError('The query is empty', 1);
    const query = this.orList(null, 0, undefined);
    const extra = this.peek();
    if (extra) throw this.unexpected(extra);
    return query;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private take(): Token | undefined {
    return this.tokens[this.index++];
  }

  private orList(field: string | null, depth: number, after: Token | undefined): Query {
    const clauses = [this.andList(field, depth, after)];
    const explicitOr = [true];
    for (let next = this.peek(); next && (next.kind === 'or' || STARTS_CLAUSE.has(next.kind)); next = this.peek()) {
      const isOr = next.kind === 'or';
      if (isOr) this.index++;
      explicitOr.push(isOr);
      clauses.push(this.andList(field, depth, isOr ? next : undefined));
    }
    return combineOr(clauses, explicitOr);
  }

  private andList(field: string | null, depth: number, after: Token | undefined): Clause {
    const clauses = [this.unary(field, depth, after)];
    for (let next = this.peek(); next?.kind === 'and'; next = this.peek()) {
      this.index++;
      clauses.push(this.unary(field, depth, next));
    }
    if (clauses.length === 1) return clauses[0]!;
    const query: Query = { kind: 'and', clauses: clauses.map((c) => (c.modifier === 'minus' ? not(c.query) : c.query)) };
    return { query, modifier: null, negated: false };
  }

  /** `[+|-] NOT* primary`, read in a loop so that a run of NOTs cannot recurse deeply. */
  private unary(field: string | null, depth: number, after: Token | undefined): Clause {
    let modifier: Modifier = null;
    let next = this.peek();
    if (next?.kind === 'plus' || next?.kind === 'minus') {
      modifier = next.kind;
      after = this.take();
      next = this.peek();
    }
    let nots = 0;
    for (; next?.kind === 'not'; next = this.peek()) {
      after = this.take();
      if (depth + ++nots > MAX_DEPTH) throw this.tooDeep(next);
    }
    let query = this.primary(field, depth + nots, after);
    const negated = nots > 0 && modifier === null;
    for (; nots > 0; nots--) query = not(query);
    return { query, modifier, negated };
  }

  private primary(field: string | null, depth: number, after: Token | undefined): Query {
    const token = this.peek();
    if (!token) throw this.expected('a term', after);
    if (token.kind === 'lparen') return this.group(field, depth, token);
    if (token.kind === 'term' && this.tokens[this.index + 1]?.kind === 'colon') return this.fielded(depth);
    if (token.kind === 'term' || token.kind === 'quoted' || token.kind === 'range-start') return this.value(field);
    throw this.unexpected(token);
  }

  private group(field: string | null, depth: number, open: Token): Query {
    if (depth + 1 > MAX_DEPTH) throw this.tooDeep(open);
    this.index++;
    const query = this.orList(field, depth + 1, open);
    const close = this.take();
    if (!close) throw new QuerySyntaxError('Unclosed "("', open.pos);
    if (close.kind !== 'rparen') throw this.unexpected(close);
    return query;
  }

  /** `field:value`, `field:(…)` or `_exists_:field`. */
  private fielded(depth: number): Query {
    const name = this.take()!;
    const colon = this.take()!;
    const path = fieldPath(name);
    const next = this.peek();
    if (name.raw === '_exists_') {
      if (next?.kind !== 'term') throw this.expected('a field name', colon, name.raw);
      this.index++;
      return this.term(fieldPath(next), { kind: 'exists' }, next);
    }
    if (next?.kind === 'lparen') return this.group(path, depth, next);
    if (next?.kind === 'term' || next?.kind === 'quoted' || next?.kind === 'range-start') return this.value(path);
    const hint = next?.kind === 'minus' || next?.kind === 'plus' ? ' (quote or escape a leading "-" or "+")' : '';
    throw this.expected(`a value${hint}`, colon, name.raw);
  }

  private value(field: string | null): Query {
    const token = this.take()!;
    if (token.kind === 'range-start') return this.range(field, token);
    if (token.kind === 'term') return this.term(field, bareValue(field, token), token);
    const text = token.parts[0]!;
    if (text === '') throw new QuerySyntaxError('Empty quoted phrase', token.pos);
    return this.term(field, { kind: 'exact', text }, token);
  }

  /** `[a TO b]`, `{a TO b}`, mixed, `*` for an open end; the lexer has already paired the brackets. */
  private range(field: string | null, open: Token): Query {
    if (field === null) throw new QuerySyntaxError('A range needs a field, as in logins_count:[1 TO 5]', open.pos);
    const lower = this.bound(open, 'a lower bound');
    const to = this.take()!;
    if (to.kind !== 'to') throw this.unexpected(to, '"TO"');
    const upper = this.bound(to, 'an upper bound');
    const close = this.take()!;
    if (close.kind !== 'range-end') throw this.unexpected(close, `"${open.raw === '[' ? ']' : '}'}"`);
    const value: Value = {
      kind: 'range', lower, upper, includeLower: open.raw === '[', includeUpper: close.raw === ']',
    };
    return this.term(field, value, open);
  }

  /** A range bound; the lexer guarantees a token (at least the closing bracket) follows `[`. */
  private bound(after: Token, what: string): string | null {
    const token = this.take()!;
    if (token.kind !== 'term' && token.kind !== 'quoted') throw this.expected(what, after, undefined, token);
    return token.kind === 'term' && token.raw === '*' ? null : token.parts[0]!;
  }

  private term(field: string | null, value: Value, token: Token): Query {
    if (++this.terms > MAX_TERMS) throw new QuerySyntaxError(`The query has more than ${MAX_TERMS} terms`, token.pos);
    return { kind: 'term', field, value };
  }

  private unexpected(token: Token, wanted?: string): QuerySyntaxError {
    return new QuerySyntaxError(`${wanted ? `Expected ${wanted}, found` : 'Unexpected'} "${token.raw}"`, token.pos);
  }

  private expected(what: string, after: Token | undefined, suffix = '', found = this.peek()): QuerySyntaxError {
    const where = after ? ` after "${suffix}${after.raw}"` : '';
    return new QuerySyntaxError(`Expected ${what}${where}${found ? `, found "${found.raw}"` : ''}`, found?.pos ?? this.end);
  }

  private tooDeep(token: Token): QuerySyntaxError {
    return new QuerySyntaxError(`The query is nested deeper than ${MAX_DEPTH} levels`, token.pos);
  }
}
