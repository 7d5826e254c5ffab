import type { ConnectionRecord } from '#shared/db/connections-repo';
import type { LegacyProfile } from '#shared/tenant/custom-db';
import { validateMetadata, type MetadataStore } from '#shared/management/metadata/rules';
import { metadataLimits } from '#shared/management/metadata/limits';
import { MetadataLimitError } from '#shared/management/errors';
import { isPlainObject, type JsonObject, type JsonValue } from '#shared/platform/json';
import { log } from '#shared/platform/log';

/**
 * A profile a script called back with (login, get_user), checked and normalised into a
 * LegacyProfile, or the reason it is refused. Reasons name fields and rules, never values: the
 * caller logs them under a reference (scripts.ts) and stores nothing.
 *
 * Metadata naming: the seed calls app_metadata `metadata` in scripts; Auth0's current templates
 * return `app_metadata`. Either or both may come: both are shallowly merged, `app_metadata`
 * winning on a key both have (a warning names those keys). `null` counts as absent.
 */
export type ProfileCheck = { profile: LegacyProfile } | { problem: string };

/** Our user ids travel in URL paths and keys: `auth0|<user_id>`, so no `|`, `%` or whitespace. */
const USER_ID = /^[^|%\s]{1,200}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const STRINGS = { username: 128, name: 150, nickname: 350, given_name: 150, family_name: 150, picture: 2048, phone_number: 20 } as const;
const BOOLEANS = ['email_verified', 'phone_verified'] as const;

export function checkProfile(connection: ConnectionRecord, value: JsonValue): ProfileCheck {
  if (!isPlainObject(value)) return { problem: 'the profile is not an object' };
  const id = typeof value.user_id === 'number' && Number.isSafeInteger(value.user_id) ? String(value.user_id) : value.user_id;
  if (typeof id !== 'string') return { problem: 'user_id is missing or not a string or integer' };
  if (!USER_ID.test(id) || !id.isWellFormed()) return { problem: 'user_id is empty, over 200 characters, not well-formed Unicode, or contains "|", "%" or whitespace' };
  if (typeof value.email !== 'string') return { problem: 'email is missing or not a string' };
  if (value.email.length > 254 || !EMAIL.test(value.email) || !value.email.isWellFormed()) return { problem: 'email is not an email address' };
  const profile: LegacyProfile = { user_id: id, email: value.email, user_metadata: {}, app_metadata: {} };

  for (const [field, max] of Object.entries(STRINGS) as [keyof typeof STRINGS, number][]) {
    const v = value[field];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || v.length > max || !v.isWellFormed()) return { problem: `${field} is not a string of at most ${max} characters` };
    if (field === 'picture' && !/^https?:\/\//i.test(v)) return { problem: 'picture is not an http(s) URL' };
    profile[field] = v;
  }
  // A username is kept only where the connection has usernames (it becomes a uniqueness claim).
  if (connection.options.requires_username !== true) delete profile.username;
  for (const field of BOOLEANS) {
    const v = value[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') return { problem: `${field} is not a boolean` };
    profile[field] = v;
  }

  const user = metadataOf(value, 'user_metadata');
  const named = metadataOf(value, 'metadata');
  const app = metadataOf(value, 'app_metadata');
  for (const [field, m] of [['user_metadata', user], ['metadata', named], ['app_metadata', app]] as const) {
    if (m === 'invalid') return { problem: `${field} is not an object` };
  }
  const both = [user, named, app] as (JsonObject | undefined)[];
  const conflicts = both[1] && both[2] ? Object.keys(both[2]).filter((k) => Object.hasOwn(both[1]!, k)) : [];
  if (conflicts.length > 0) {
    log.warn('custom database profile has metadata and app_metadata with the same keys: app_metadata wins', { connection: connection.name, keys: conflicts });
  }
  profile.user_metadata = both[0] ?? {};
  profile.app_metadata = mergeOwn(both[1] ?? {}, both[2] ?? {});
  const stores: [MetadataStore, JsonObject][] = [['user_metadata', profile.user_metadata], ['app_metadata', profile.app_metadata]];
  for (const [store, metadata] of stores) {
    try {
      validateMetadata(store, metadata, metadataLimits);
    } catch (error) {
      if (error instanceof MetadataLimitError) return { problem: `metadata rules: ${error.message}` };
      throw error;
    }
  }
  return { profile };
}

/** A metadata object without its top-level nulls (nothing to delete on a new user); undefined when absent. */
function metadataOf(value: Record<string, unknown>, field: string): JsonObject | undefined | 'invalid' {
  const m = value[field];
  if (m === undefined || m === null) return undefined;
  if (!isPlainObject(m)) return 'invalid';
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null)) as JsonObject;
}

/** `{...a, ...b}` without assignment, so a `__proto__` key stays a key (and is then refused by the rules). */
function mergeOwn(a: JsonObject, b: JsonObject): JsonObject {
  return Object.fromEntries([...Object.entries(a), ...Object.entries(b)]) as JsonObject;
}
