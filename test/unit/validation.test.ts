import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InvalidBodyError, InvalidQueryError, ManagementError } from '#shared/platform/errors';
import { jsonType, parseBody, parseQuery } from '#shared/platform/validation';

const Body = z
  .object({
    x: z.string().max(5).describe('desc'),
    n: z.number().max(100).optional().describe('a number'),
    i: z.int().min(1).optional(),
    kind: z.enum(['a', 'b']).optional(),
    site: z.url().optional(),
    list: z.array(z.string()).min(1).max(2).optional(),
    inner: z.object({ y: z.string().min(2).describe('inner text') }).describe('an object'),
  })
  .strict()
  .meta({ additionalPropertiesHint: ' (consider a hint)' });

const NoHint = z.object({ x: z.string() }).strict();

const Query = z
  .object({
    per_page: z.coerce.number().int().max(100).describe('Number of results per page'),
    q: z.string().optional(),
  })
  .strict();

const valid = { x: 'ok', inner: { y: 'ok' } };

function bodyError(input: unknown, schema: z.ZodType = Body): string {
  let caught: unknown;
  try {
    parseBody(schema, input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidBodyError);
  expect(caught).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
  return (caught as ManagementError).message;
}

function queryError(input: Record<string, string>): string {
  let caught: unknown;
  try {
    parseQuery(Query, input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidQueryError);
  expect(caught).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
  return (caught as ManagementError).message;
}

describe('parseBody', () => {
  it('returns the parsed value when valid', () => {
    expect(parseBody(Body, { ...valid, n: 100, list: ['a'] })).toEqual({ ...valid, n: 100, list: ['a'] });
  });

  it('names the wrong type, the property and its description', () => {
    expect(bodyError({ ...valid, x: 1 })).toBe("Payload validation error: 'Expected type string but found type integer' on property x (desc).");
    expect(bodyError({ ...valid, x: 1.5 })).toBe("Payload validation error: 'Expected type string but found type number' on property x (desc).");
    expect(bodyError({ ...valid, x: null })).toBe("Payload validation error: 'Expected type string but found type null' on property x (desc).");
    expect(bodyError({ ...valid, x: [] })).toBe("Payload validation error: 'Expected type string but found type array' on property x (desc).");
    expect(bodyError({ ...valid, x: {} })).toBe("Payload validation error: 'Expected type string but found type object' on property x (desc).");
    expect(bodyError({ ...valid, x: true })).toBe("Payload validation error: 'Expected type string but found type boolean' on property x (desc).");
  });

  it('leaves out the parentheses for a property without description', () => {
    expect(bodyError({ ...valid, i: 'q' })).toBe("Payload validation error: 'Expected type number but found type string' on property i.");
  });

  it('calls an expected int an integer', () => {
    expect(bodyError({ ...valid, i: 1.5 })).toBe("Payload validation error: 'Expected type integer but found type number' on property i.");
  });

  it('reports a missing required property without a description', () => {
    expect(bodyError({ inner: { y: 'ok' } })).toBe("Payload validation error: 'Missing required property: x'.");
  });

  it('reports a missing nested property with its dotted path', () => {
    expect(bodyError({ x: 'ok', inner: {} })).toBe("Payload validation error: 'Missing required property: inner.y'.");
  });

  it('names a nested property and its own description', () => {
    expect(bodyError({ x: 'ok', inner: { y: 'a' } })).toBe(
      "Payload validation error: 'String is too short (1 chars), minimum 2' on property inner.y (inner text).",
    );
  });

  it('reports additional properties, with the schema hint', () => {
    expect(bodyError({ ...valid, extra: 1, other: 2 })).toBe(
      "Payload validation error: 'Additional properties not allowed: extra,other (consider a hint)'.",
    );
  });

  it('reports additional properties without a hint when the schema has none', () => {
    expect(bodyError({ x: 'a', extra: 1 }, NoHint)).toBe("Payload validation error: 'Additional properties not allowed: extra'.");
  });

  it('reports a string that is too long', () => {
    expect(bodyError({ ...valid, x: 'abcdefg' })).toBe(
      "Payload validation error: 'String is too long (7 chars), maximum 5' on property x (desc).",
    );
  });

  it('reports a number above the maximum', () => {
    expect(bodyError({ ...valid, n: 1000 })).toBe(
      "Payload validation error: 'Value 1000 is greater than maximum 100' on property n (a number).",
    );
  });

  it('reports a number below the minimum', () => {
    expect(bodyError({ ...valid, i: 0 })).toBe("Payload validation error: 'Value 0 is less than minimum 1' on property i.");
  });

  it('reports array lengths and array items by index', () => {
    expect(bodyError({ ...valid, list: ['a', 'b', 'c'] })).toBe("Payload validation error: 'Array is too long (3), maximum 2' on property list.");
    expect(bodyError({ ...valid, list: [] })).toBe("Payload validation error: 'Array is too short (0), minimum 1' on property list.");
    expect(bodyError({ ...valid, list: ['a', 2] })).toBe(
      "Payload validation error: 'Expected type string but found type integer' on property list[1].",
    );
  });

  it('reports enum and format mismatches', () => {
    expect(bodyError({ ...valid, kind: 'c' })).toBe("Payload validation error: 'No enum match for: \"c\"' on property kind.");
    expect(bodyError({ ...valid, site: 'not a url' })).toBe(
      "Payload validation error: 'Object didn't pass validation for format url: not a url' on property site.",
    );
  });

  it('reports a body that is not an object at the root', () => {
    expect(bodyError([1])).toBe("Payload validation error: 'Expected type object but found type array'.");
    expect(bodyError('text')).toBe("Payload validation error: 'Expected type object but found type string'.");
    expect(bodyError(null)).toBe("Payload validation error: 'Expected type object but found type null'.");
  });
});

describe('parseQuery', () => {
  it('returns the coerced values when valid', () => {
    expect(parseQuery(Query, { per_page: '5' })).toEqual({ per_page: 5 });
  });

  it('reads the null-prototype record the event helpers build', () => {
    const input: Record<string, string> = Object.create(null);
    input.per_page = '7';
    expect(parseQuery(Query, input)).toEqual({ per_page: 7 });
    input.per_page = '101';
    expect(queryError(input)).toBe(
      "Query validation error: 'Value 101 is greater than maximum 100' on property per_page (Number of results per page).",
    );
  });

  it('reports a value above the maximum', () => {
    expect(queryError({ per_page: '1000' })).toBe(
      "Query validation error: 'Value 1000 is greater than maximum 100' on property per_page (Number of results per page).",
    );
  });

  it('reports a value that is not a number', () => {
    expect(queryError({ per_page: 'abc' })).toBe(
      "Query validation error: 'Expected type number but found type string' on property per_page (Number of results per page).",
    );
  });

  it('reports a missing parameter', () => {
    expect(queryError({})).toBe("Query validation error: 'Missing required property: per_page'.");
  });

  it('reports an unknown parameter', () => {
    expect(queryError({ per_page: '5', sort: 'x' })).toBe("Query validation error: 'Additional properties not allowed: sort'.");
  });
});

describe('jsonType', () => {
  it("uses JSON Schema's type names", () => {
    expect([null, [], {}, 1, 1.5, 'a', true].map(jsonType)).toEqual(['null', 'array', 'object', 'integer', 'number', 'string', 'boolean']);
  });
});
