import type { JsonObject } from '#shared/platform/json';
import type { IndexedUser } from '#shared/management/search-indexes/model';

/** A user as stored: Auth0's wire names for public fields, plus what only the service may see. */
export interface UserRecord {
  user_id: string;
  connection: string;
  email: string;
  email_verified: boolean;
  username?: string;
  phone_number?: string;
  phone_verified?: boolean;
  name: string;
  nickname: string;
  given_name?: string;
  family_name?: string;
  picture: string;
  blocked?: boolean;
  created_at: string;
  updated_at: string;
  last_password_reset?: string;
  user_metadata: JsonObject;
  app_metadata: JsonObject;
  /** argon2id PHC string; never leaves the service. */
  password_hash?: string;
  /** Incremented by every write; the ETag. */
  version: number;
}

const PRIVATE_FIELDS = new Set(['pk', 'sk', 'password_hash', 'version', 'connection']);

export const DATABASE_PROVIDER = 'auth0';

/** `auth0|abc` -> `abc`: identities carry the id without its provider. */
export const idWithoutProvider = (userId: string) => userId.slice(userId.indexOf('|') + 1);

/**
 * The user as Auth0 serves it: keys in alphabetical order (as Auth0's responses are), empty
 * metadata left out, private fields never included.
 */
export function toWireUser(user: UserRecord, stats?: { logins_count: number; last_login?: string; last_ip?: string }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    // Auth0 shows login statistics only once the user has logged in.
    ...(stats && stats.logins_count > 0 ? { logins_count: stats.logins_count, last_login: stats.last_login, last_ip: stats.last_ip } : {}),
    identities: [
      { connection: user.connection, user_id: idWithoutProvider(user.user_id), provider: DATABASE_PROVIDER, isSocial: false },
    ],
  };
  for (const [key, value] of Object.entries(user)) {
    if (PRIVATE_FIELDS.has(key) || value === undefined) continue;
    if ((key === 'user_metadata' || key === 'app_metadata') && Object.keys(value as object).length === 0) continue;
    out[key] = value;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The user as the search indexes see it: its wire form (without login statistics, which no index reads). */
export const indexedUser = (user: UserRecord): IndexedUser => toWireUser(user) as IndexedUser;

/** Auth0's `fields` / `include_fields`: keep (or drop) the listed top-level fields. */
export function projectFields(
  user: Record<string, unknown>,
  fields: readonly string[] | undefined,
  include: boolean,
): Record<string, unknown> {
  if (!fields || fields.length === 0) return user;
  const listed = new Set(fields);
  return Object.fromEntries(Object.entries(user).filter(([key]) => listed.has(key) === include));
}

/** A strong ETag from the user's version; `If-Match` compares against it. */
export const etagOf = (user: Pick<UserRecord, 'version'>) => `"${user.version}"`;
