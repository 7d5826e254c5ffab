import type * as z from 'zod';
import { InvalidBodyError, InvalidQueryError, InvalidUriError } from '#shared/platform/errors';

/**
 * zod failures in Auth0's words. Auth0 validates with z-schema and formats with z-schema-errors:
 *   Payload validation error: '<message>' on property <path> (<description>).
 * and, for problems at the root (unknown or missing properties):
 *   Payload validation error: '<message>'.
 * Only the first problem is reported. A schema field's `.describe()` text is the description.
 */
export interface ParseOptions {
  /** Appended inside the quotes of an "Additional properties" message (Auth0 does so for users). */
  additionalPropertiesHint?: string;
}

/** A schema declares its hint with `.meta({ additionalPropertiesHint })`. */
const optionsOf = (schema: z.ZodType) => (schema.meta() ?? {}) as ParseOptions;

function parseWith<S extends z.ZodType>(schema: S, input: unknown, toError: (detail: string) => Error): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw toError(describe(schema, result.error.issues[0], input, optionsOf(schema)));
}

export const parseBody = <S extends z.ZodType>(schema: S, input: unknown) =>
  parseWith(schema, input, (detail) => new InvalidBodyError(detail));

export const parseQuery = <S extends z.ZodType>(schema: S, input: Record<string, string>) =>
  parseWith(schema, input, (detail) => new InvalidQueryError(detail));

export const parsePath = <S extends z.ZodType>(schema: S, input: Record<string, string>) =>
  parseWith(schema, input, (detail) => new InvalidUriError(detail));

/** JSON Schema's names for a value's type, as z-schema reports them. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The `.describe()` text of the field at `path`, looking through objects only. */
function descriptionAt(schema: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  let current: unknown = schema;
  for (const key of path) {
    const shape = (current as { shape?: Record<string, z.ZodType> }).shape;
    current = shape?.[String(key)];
    if (!current) return undefined;
  }
  return (current as z.ZodType).description;
}

type Issue = z.core.$ZodIssue;

function describe(schema: z.ZodType, issue: Issue | undefined, input: unknown, options: ParseOptions): string {
  if (!issue) return "'Invalid input'.";
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
  const value = valueAt(input, issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `'Additional properties not allowed: ${issue.keys.join(',')}${options.additionalPropertiesHint ?? ''}'.`;
  }
  if (issue.code === 'invalid_type' && value === undefined && issue.path.length > 0) {
    return `'Missing required property: ${path}'.`;
  }
  const message = issueMessage(issue, value);
  if (issue.path.length === 0) return `'${message}'.`;
  const description = descriptionAt(schema, issue.path);
  return `'${message}' on property ${path}${description ? ` (${description})` : ''}.`;
}

function issueMessage(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Expected type ${issue.expected === 'int' ? 'integer' : issue.expected} but found type ${jsonType(value)}`;
    case 'too_big':
      if (issue.origin === 'string') return `String is too long (${String(value).length} chars), maximum ${issue.maximum}`;
      if (issue.origin === 'array') return `Array is too long (${(value as unknown[]).length}), maximum ${issue.maximum}`;
      return `Value ${String(value)} is greater than maximum ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string') return `String is too short (${String(value).length} chars), minimum ${issue.minimum}`;
      if (issue.origin === 'array') return `Array is too short (${(value as unknown[]).length}), minimum ${issue.minimum}`;
      return `Value ${String(value)} is less than minimum ${issue.minimum}`;
    case 'invalid_format':
      return `Object didn't pass validation for format ${issue.format === 'regex' ? 'pattern' : issue.format}: ${String(value)}`;
    case 'invalid_value':
      return `No enum match for: ${JSON.stringify(value)}`;
    default:
      return issue.message;
  }
}
