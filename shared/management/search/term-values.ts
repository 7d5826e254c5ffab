import type { Value } from '#shared/management/search/ast';
import { QuerySyntaxError } from '#shared/management/errors';
import type { Token } from '#shared/management/search/lexer';

/** Non-prefix wildcards need this many literal characters (Auth0: `name:*usa` is allowed, `name:*sa` is not). */
export const MIN_WILDCARD_LITERALS = 3;

const COMPARISONS = ['>=', '<=', '>', '<'] as const;

/** The value of a bare (unquoted) word: exact text, a wildcard, `*` (exists), or `>=x`-style sugar. */
export function bareValue(field: string | null, token: Token): Value {
  const op = field === null ? undefined : COMPARISONS.find((c) => token.raw.startsWith(c));
  if (op) return comparison(op, token);
  // `a**b` is `a*b`: empty pieces between stars say nothing.
  const parts = token.parts.filter((part, i) => part !== '' || i === 0 || i === token.parts.length - 1);
  if (parts.length === 1) return { kind: 'exact', text: parts[0]! };
  if (parts.every((part) => part === '')) return { kind: 'exists' };
  if (parts.length === 2 && parts[0] !== '' && parts[1] === '') return { kind: 'wildcard', parts };
  const literals = parts.reduce((sum, part) => sum + [...part].length, 0);
  if (literals < MIN_WILDCARD_LITERALS) {
    throw new QuerySyntaxError(
      `Wildcards other than a trailing "*" need at least ${MIN_WILDCARD_LITERALS} other characters ("${token.raw}" has ${literals})`,
      token.pos,
    );
  }
  return { kind: 'wildcard', parts };
}

/**
 * Elasticsearch's query_string reads `field:>=10` as a range (Auth0's v3 docs only show `[10 TO *]`,
 * which is what this becomes).
 */
function comparison(op: (typeof COMPARISONS)[number], token: Token): Value {
  if (token.parts.length > 1) throw new QuerySyntaxError(`A comparison ("${op}") takes a value without "*"`, token.pos);
  const bound = token.parts[0]!.slice(op.length);
  if (bound === '') throw new QuerySyntaxError(`Expected a value after "${op}"`, token.pos + op.length);
  const inclusive = op.length === 2;
  return op.startsWith('>')
    ? { kind: 'range', lower: bound, upper: null, includeLower: inclusive, includeUpper: true }
    : { kind: 'range', lower: null, upper: bound, includeLower: true, includeUpper: inclusive };
}

/** A dotted field path: no stars, no empty segments. */
export function fieldPath(token: Token): string {
  if (token.parts.length > 1) throw new QuerySyntaxError(`Wildcards are not supported in field names ("${token.raw}")`, token.pos);
  const path = token.parts[0]!;
  if (path.split('.').some((segment) => segment === '')) {
    throw new QuerySyntaxError(`Invalid field name "${token.raw}"`, token.pos);
  }
  return path;
}
