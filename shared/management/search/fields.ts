import { forEachTerm, type Query, type TermQuery } from '#shared/management/search/ast';
import { UnsupportedQueryError } from '#shared/management/errors';
import { dateKey, parseNumber } from '#shared/management/search/values';

/**
 * What can be searched, and how each field compares. Root fields follow Auth0's normalized profile
 * and its list of searchable fields; `email`, `name`, `given_name`, `family_name` and `nickname`
 * (and so `email.domain`) ignore case, everything else does not.
 */
export type FieldKind = 'text-ci' | 'text' | 'date' | 'number' | 'boolean' | 'metadata';

export const ROOT_FIELDS: ReadonlyMap<string, FieldKind> = new Map<string, FieldKind>([
  ['email', 'text-ci'], ['email.domain', 'text-ci'], ['name', 'text-ci'], ['given_name', 'text-ci'],
  ['family_name', 'text-ci'], ['nickname', 'text-ci'],
  ['user_id', 'text'], ['username', 'text'], ['phone_number', 'text'], ['picture', 'text'], ['last_ip', 'text'],
  ['multifactor', 'text'], ['organization_id', 'text'],
  ['identities.connection', 'text'], ['identities.provider', 'text'], ['identities.user_id', 'text'],
  ['identities.isSocial', 'boolean'],
  ['created_at', 'date'], ['updated_at', 'date'], ['last_login', 'date'], ['last_password_reset', 'date'],
  ['logins_count', 'number'],
  ['blocked', 'boolean'], ['email_verified', 'boolean'], ['phone_verified', 'boolean'],
]);

/**
 * Where a term without a field looks. Auth0 says only that such terms skip user metadata; these are
 * the root text fields a person would type a value of (our choice).
 */
export const UNFIELDED_FIELDS: readonly string[] = [
  'email', 'name', 'nickname', 'given_name', 'family_name', 'username', 'user_id', 'phone_number',
];

const METADATA_ROOTS = ['user_metadata', 'app_metadata'];

export const isMetadataPath = (path: string) =>
  METADATA_ROOTS.some((root) => path === root || path.startsWith(`${root}.`));

export function fieldKind(path: string): FieldKind | undefined {
  return isMetadataPath(path) ? 'metadata' : ROOT_FIELDS.get(path);
}

/** Every field path the query reads, sorted; an unfielded term reads UNFIELDED_FIELDS. */
export function fieldsOf(query: Query): string[] {
  const fields = new Set<string>();
  forEachTerm(query, (term) => {
    for (const field of term.field === null ? UNFIELDED_FIELDS : [term.field]) fields.add(field);
  });
  return [...fields].sort();
}

/**
 * Refuses fields search does not know and values a typed root field can never hold (Elasticsearch
 * answers those with 400 too): `logins_count:many`, `blocked:yes`, `created_at:[soon TO *]`,
 * wildcards on anything but text. Metadata paths are open-ended and untyped here.
 */
export function validateFields(query: Query): void {
  forEachTerm(query, (term) => {
    if (term.field === null) return;
    const kind = fieldKind(term.field);
    if (kind === undefined) throw new UnsupportedQueryError(unknownField(term.field));
    if (kind === 'number') checkTyped(term, kind, (text) => parseNumber(text) !== undefined, 'a number');
    if (kind === 'date') checkTyped(term, kind, (text) => dateKey(text) !== undefined, 'a date like 2024-01-31 or 2024-01-31T10:00:00Z');
    if (kind === 'boolean') checkTyped(term, kind, (text) => text === 'true' || text === 'false', 'true or false');
  });
}

function unknownField(field: string): string {
  if (field === 'connection') return 'Cannot search "connection"; use identities.connection';
  if (field.endsWith('.raw')) return `Cannot search "${field}": the ".raw" suffix is not supported, fields match whole values`;
  return `Cannot search unknown field "${field}"; metadata paths start with user_metadata. or app_metadata.`;
}

function checkTyped(term: TermQuery, kind: FieldKind, valid: (text: string) => boolean, expected: string): void {
  const { field, value } = term;
  const texts = value.kind === 'exact' ? [value.text] : value.kind === 'range' ? [value.lower, value.upper] : [];
  if (value.kind === 'wildcard' || (value.kind === 'range' && kind === 'boolean')) {
    throw new UnsupportedQueryError(`${value.kind === 'wildcard' ? 'Wildcards' : 'Ranges'} are not supported on ${field} (${kind})`);
  }
  for (const text of texts) {
    if (text !== null && !valid(text)) throw new UnsupportedQueryError(`${field} takes ${expected}, not "${text}"`);
  }
}
