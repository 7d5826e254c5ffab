import { isPlainObject } from '#shared/platform/json';
import { MetadataLimitError } from '#shared/management/errors';
import type { MetadataLimits } from '#shared/management/metadata/limits';

/**
 * What may be stored as metadata. Pure functions: they throw MetadataLimitError naming the key
 * and the limit, and run before anything is written.
 */
export type MetadataStore = 'user_metadata' | 'app_metadata';

/** Auth0 refuses these names at the top of app_metadata (they shadow root profile fields in rules). */
export const RESERVED_APP_METADATA_KEYS: ReadonlySet<string> = new Set([
  '__tenant', '_id', 'blocked', 'clientID', 'created_at', 'email_verified', 'email', 'globalClientID',
  'global_client_id', 'identities', 'lastIP', 'lastLogin', 'loginsCount', 'metadata',
  'multifactor_last_modified', 'multifactor', 'updated_at', 'user_id',
]);

/** DynamoDB's number range (up to 9.99…e125, down to 1e-130); JSON numbers outside it cannot be stored. */
const MAX_EXCLUSIVE = 1e126;
const MIN_MAGNITUDE = 1e-130;

/** Checks one key name at any depth. */
export function checkKey(store: MetadataStore, path: string, key: string): void {
  const where = path ? `${store}.${path}` : store;
  if (key.length === 0) throw new MetadataLimitError(`Invalid key in ${where}: keys may not be empty.`);
  if (key.length > 255) throw new MetadataLimitError(`Invalid key in ${where}: keys are at most 255 characters.`);
  if (key.includes('.') || key.startsWith('$')) {
    throw new MetadataLimitError(`Invalid key "${key}" in ${where}: keys may not contain "." or start with "$".`);
  }
  if (key === '__proto__') throw new MetadataLimitError(`Invalid key "__proto__" in ${where}.`);
  if (!key.isWellFormed()) throw new MetadataLimitError(`Invalid key in ${where}: not well-formed Unicode.`);
}

/** Checks a value's keys, numbers, strings and depth; `depth` is the value's own level (1 = top-level value). */
function checkValue(store: MetadataStore, path: string, value: unknown, depth: number, limits: MetadataLimits): void {
  if (depth > limits.maxDepth) {
    throw new MetadataLimitError(
      `${store}.${path} is nested deeper than ${limits.maxDepth} levels (METADATA_MAX_DEPTH).`,
    );
  }
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    if (!Number.isFinite(value) || magnitude >= MAX_EXCLUSIVE || (magnitude !== 0 && magnitude < MIN_MAGNITUDE)) {
      throw new MetadataLimitError(`${store}.${path} is a number outside the range that can be stored (1e-130 to 9.99e125).`);
    }
  } else if (typeof value === 'string') {
    if (!value.isWellFormed()) throw new MetadataLimitError(`${store}.${path} is not well-formed Unicode.`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkValue(store, `${path}[${i}]`, item, depth + 1, limits));
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      checkKey(store, path, key);
      checkConstructorValue(store, `${path}.${key}`, key, child);
      checkValue(store, `${path}.${key}`, child, depth + 1, limits);
    }
  }
}

/**
 * DynamoDB's marshaller reads `value.constructor.name` to tell a map from a Set, a Map or a
 * Buffer; an object stored under a `constructor` key (`{"constructor": {"name": "Set"}}`) would be
 * taken for one of them and fail the write or store garbage. Scalars and arrays there are fine.
 */
function checkConstructorValue(store: MetadataStore, path: string, key: string, value: unknown): void {
  if (key === 'constructor' && isPlainObject(value)) {
    throw new MetadataLimitError(`${store}.${path} cannot be an object: a key named "constructor" holds only a string, number, boolean or array.`);
  }
}

export function valueBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Validates a metadata object as written by a create (the whole object) or a patch (a merge:
 * `null` values delete). Throws on the first violation. Keys sent as `null` count too: each is
 * a clause of the write, and a patch naming more keys than an object may hold is refused.
 */
export function validateMetadata(store: MetadataStore, metadata: Record<string, unknown>, limits: MetadataLimits): void {
  const entries = Object.entries(metadata);
  if (entries.length > limits.maxKeys) {
    throw new MetadataLimitError(`${store} has ${entries.length} keys; the limit is ${limits.maxKeys} (METADATA_MAX_KEYS).`);
  }
  for (const [key, value] of entries) {
    checkKey(store, '', key);
    if (store === 'app_metadata' && RESERVED_APP_METADATA_KEYS.has(key)) {
      throw new MetadataLimitError(`app_metadata.${key} is a reserved name and cannot be set.`);
    }
    if (value === null) continue;
    checkConstructorValue(store, key, key, value);
    checkValue(store, key, value, 1, limits);
    const bytes = valueBytes(value);
    if (bytes > limits.maxValueBytes) {
      throw new MetadataLimitError(
        `${store}.${key} is ${bytes} bytes; the limit is ${limits.maxValueBytes} bytes per top-level value (METADATA_MAX_VALUE_BYTES).`,
      );
    }
  }
}
