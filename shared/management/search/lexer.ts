import { QuerySyntaxError } from '#shared/management/errors';

/**
 * Splits a query into tokens the way Lucene's classic query parser (behind Elasticsearch's
 * query_string, which Auth0 v3 uses) does: `+`/`-` are operators only where a token starts, `&&`
 * and `||` likewise, and inside `[…]`/`{…}` anything but a space or the closing bracket is a bound.
 */
export type TokenKind =
  | 'term' | 'quoted' | 'lparen' | 'rparen' | 'colon' | 'and' | 'or' | 'not' | 'plus' | 'minus'
  | 'range-start' | 'range-end' | 'to';

export interface Token {
  kind: TokenKind;
  /** 1-based position of the token's first character. */
  pos: number;
  /** The token as written. */
  raw: string;
  /** Unescaped text split on unescaped `*`; a single piece when there is no wildcard. */
  parts: string[];
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\u3000']);
/** Characters that end a bare term besides whitespace (Lucene's term characters exclude them). */
const TERM_END = new Set(['(', ')', ':', '[', ']', '{', '}', '"', '!']);
// Maps, not object literals: a term like `constructor` must not find Object.prototype's members.
const SINGLE = new Map<string, TokenKind>([
  ['(', 'lparen'], [')', 'rparen'], [':', 'colon'], ['!', 'not'], ['+', 'plus'], ['-', 'minus'], [']', 'range-end'], ['}', 'range-end'],
]);
const WORDS = new Map<string, TokenKind>([['AND', 'and'], ['OR', 'or'], ['NOT', 'not']]);
/** Lucene syntax Auth0 v3 does not document: refused rather than silently read as text. */
const REFUSED = new Map([
  ['?', 'The "?" wildcard is not supported (use "*", or escape it as "\\?")'],
  ['~', 'Fuzzy and proximity searches ("~") are not supported'],
  ['^', 'Boosts ("^") are not supported'],
  ['/', 'Regular expressions are not supported (quote the value, or escape "/" as "\\/")'],
]);

export function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    const single = SINGLE.get(c);
    if (WHITESPACE.has(c)) {
      i++;
    } else if (c === '[' || c === '{') {
      i = readRange(q, i, tokens);
    } else if (c === '"') {
      i = readQuoted(q, i, tokens);
    } else if (q.startsWith('&&', i) || q.startsWith('||', i)) {
      tokens.push(token(c === '&' ? 'and' : 'or', i, q.slice(i, i + 2)));
      i += 2;
    } else if (single) {
      tokens.push(token(single, i, c));
      i++;
    } else {
      i = readTerm(q, i, tokens);
    }
  }
  return tokens;
}

const token = (kind: TokenKind, index: number, raw: string, parts = [raw]): Token => ({ kind, pos: index + 1, raw, parts });

function readTerm(q: string, start: number, tokens: Token[]): number {
  const parts = [''];
  let i = start;
  while (i < q.length) {
    const c = q[i]!;
    const refused = REFUSED.get(c);
    if (refused) throw new QuerySyntaxError(refused, i + 1);
    if (WHITESPACE.has(c) || TERM_END.has(c)) break;
    if (c === '*') {
      parts.push('');
      i++;
      continue;
    }
    const [text, next] = c === '\\' ? unescape(q, i) : [c, i + 1];
    parts[parts.length - 1] += text;
    i = next;
  }
  const raw = q.slice(start, i);
  tokens.push(token(WORDS.get(raw) ?? 'term', start, raw, parts));
  return i;
}

/** `"…"`, with `\"` and `\\` (any escaped character stands for itself). */
function readQuoted(q: string, start: number, tokens: Token[]): number {
  let text = '';
  let i = start + 1;
  while (i < q.length && q[i] !== '"') {
    const [piece, next] = q[i] === '\\' ? unescape(q, i) : [q[i]!, i + 1];
    text += piece;
    i = next;
  }
  if (i >= q.length) throw new QuerySyntaxError('Unterminated quoted phrase', start + 1);
  tokens.push(token('quoted', start, q.slice(start, i + 1), [text]));
  return i + 1;
}

/** From `[` or `{` to the matching `]` or `}`: bounds, `TO`, and the end bracket. */
function readRange(q: string, start: number, tokens: Token[]): number {
  tokens.push(token('range-start', start, q[start]!));
  let i = start + 1;
  for (;;) {
    while (i < q.length && WHITESPACE.has(q[i]!)) i++;
    if (i >= q.length) throw new QuerySyntaxError(`Unterminated range "${q[start]}"`, start + 1);
    const c = q[i]!;
    if (c === ']' || c === '}') {
      tokens.push(token('range-end', i, c));
      return i + 1;
    }
    i = c === '"' ? readQuoted(q, i, tokens) : readBound(q, i, tokens);
  }
}

function readBound(q: string, start: number, tokens: Token[]): number {
  let text = '';
  let i = start;
  while (i < q.length && !WHITESPACE.has(q[i]!) && q[i] !== ']' && q[i] !== '}') {
    const [piece, next] = q[i] === '\\' ? unescape(q, i) : [q[i]!, i + 1];
    text += piece;
    i = next;
  }
  const raw = q.slice(start, i);
  tokens.push(token(raw === 'TO' ? 'to' : 'term', start, raw, [text]));
  return i;
}

function unescape(q: string, i: number): [string, number] {
  const next = q[i + 1];
  if (next === undefined) throw new QuerySyntaxError('Nothing to escape after "\\"', i + 1);
  return [next, i + 2];
}
