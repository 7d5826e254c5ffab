import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '#shared/platform/errors';
import { serializeError } from '#shared/http/serialize';
import { QuerySyntaxError } from '#shared/management/errors';
import { MAX_DEPTH, MAX_TERMS, parseQuery } from '#shared/management/search/parse';

function errorOf(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`parsed: ${q}`);
}

describe('parseQuery: malformed queries say where they broke', () => {
  it.each<[string, string, number]>([
    ['name:"jane smith") AND x:y', 'Unexpected ")"', 18],
    ['(name:jane', 'Unclosed "("', 1],
    ['(a OR (b)', 'Unclosed "("', 1],
    ['name:jane AND', 'Expected a term after "AND"', 14],
    ['name:jane OR', 'Expected a term after "OR"', 13],
    ['name:jane AND)', 'Unexpected ")"', 14],
    ['AND name:jane', 'Unexpected "AND"', 1],
    ['a OR OR b', 'Unexpected "OR"', 6],
    ['NOT', 'Expected a term after "NOT"', 4],
    ['-', 'Expected a term after "-"', 2],
    ['()', 'Unexpected ")"', 2],
    ['name:', 'Expected a value after "name:"', 6],
    ['name: AND b', 'Expected a value after "name:", found "AND"', 7],
    ['user_metadata.score:-5', 'Expected a value (quote or escape a leading "-" or "+") after "user_metadata.score:", found "-"', 21],
    ['_exists_:', 'Expected a field name after "_exists_:"', 10],
    ['_exists_:"email"', 'Expected a field name after "_exists_:", found ""email""', 10],
    ['name:"jane', 'Unterminated quoted phrase', 6],
    ['name:""', 'Empty quoted phrase', 6],
    ['logins_count:[]', 'Expected a lower bound after "[", found "]"', 15],
    ['logins_count:[ TO 5]', 'Expected a lower bound after "[", found "TO"', 16],
    ['logins_count:[1 TO]', 'Expected an upper bound after "TO", found "]"', 19],
    ['logins_count:[1 5]', 'Expected "TO", found "5"', 17],
    ['logins_count:[1 TO 5 6]', 'Expected "]", found "6"', 22],
    ['logins_count:[1 TO 5', 'Unterminated range "["', 14],
    ['[1 TO 5]', 'A range needs a field, as in logins_count:[1 TO 5]', 1],
    ['logins_count:5]', 'Unexpected "]"', 15],
    ['logins_count:>=', 'Expected a value after ">="', 16],
    ['name:*sa', 'Wildcards other than a trailing "*" need at least 3 other characters ("*sa" has 2)', 6],
    ['name:*ab*', 'Wildcards other than a trailing "*" need at least 3 other characters ("*ab*" has 2)', 6],
    ['name:j*n', 'Wildcards other than a trailing "*" need at least 3 other characters ("j*n" has 2)', 6],
    ['name:ja?e', 'The "?" wildcard is not supported (use "*", or escape it as "\\?")', 8],
    ['name:jon~', 'Fuzzy and proximity searches ("~") are not supported', 9],
    ['name:jon^2', 'Boosts ("^") are not supported', 9],
    ['name:/jo.n/', 'Regular expressions are not supported (quote the value, or escape "/" as "\\/")', 6],
    ['name:jon\\', 'Nothing to escape after "\\"', 9],
    ['*:x', 'Wildcards are not supported in field names ("*")', 1],
    ['user_metadata..x:1', 'Invalid field name "user_metadata..x"', 1],
    ['a:b:c', 'Unexpected ":"', 4],
    ['   ', 'The query is empty', 1],
  ])('%s', (q, reason, position) => {
    const error = errorOf(q);
    expect({ reason: error.reason, position: error.position }).toEqual({ reason, position });
    expect(error.message).toBe(`Query validation error: '${reason} at position ${position}' on property q.`);
  });

  it('refuses a query longer than 2,000 characters', () => {
    expect(errorOf(`name:${'a'.repeat(1996)}`).reason).toBe('The query is longer than 2000 characters');
    expect(parseQuery(`name:${'a'.repeat(1995)}`)).toMatchObject({ field: 'name' });
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels, by parentheses or NOTs`, () => {
    const parens = (n: number) => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(parseQuery(parens(MAX_DEPTH))).toEqual({ kind: 'term', field: null, value: { kind: 'exact', text: 'a' } });
    expect(errorOf(parens(MAX_DEPTH + 1))).toMatchObject({ reason: 'The query is nested deeper than 32 levels', position: 33 });
    expect(errorOf(`${'NOT '.repeat(MAX_DEPTH + 1)}a`)).toMatchObject({ position: 129 });
    expect(errorOf(`${'('.repeat(16)}${'NOT '.repeat(17)}a`).reason).toBe('The query is nested deeper than 32 levels');
    expect(errorOf('('.repeat(1999)).reason).toBe('The query is nested deeper than 32 levels');
  });

  it(`refuses more than ${MAX_TERMS} terms`, () => {
    expect(() => parseQuery(Array(MAX_TERMS).fill('a').join(' '))).not.toThrow();
    expect(errorOf(Array(MAX_TERMS + 1).fill('a').join(' '))).toMatchObject({
      reason: 'The query has more than 100 terms',
      position: MAX_TERMS * 2 + 1,
    });
  });

  it("serializes as Auth0's 400 invalid_query_string", () => {
    const error = errorOf('name:jane AND');
    expect(error).toBeInstanceOf(InvalidQueryError);
    expect(serializeError('management', error, 'req-1')).toEqual({
      statusCode: 400,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        statusCode: 400,
        error: 'Bad Request',
        message: `Query validation error: 'Expected a term after "AND" at position 14' on property q.`,
        errorCode: 'invalid_query_string',
      }),
    });
  });
});
