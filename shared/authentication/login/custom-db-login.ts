import type { ConnectionRecord } from '#shared/db/connections-repo';
import { findUserPartition, type UserPartition } from '#shared/db/logins-repo';
import { ConditionFailedError } from '#shared/db/errors';
import { normaliseEmail, normaliseUsername } from '#shared/db/keys';
import { customDatabase } from '#shared/sandbox/custom-db/legacy-store';
import { scriptFailure } from '#shared/sandbox/custom-db/scripts';
import { CustomDbScriptFailedError, type LegacyProfile } from '#shared/tenant/custom-db';
import { insertDatabaseUser, type NewDatabaseUser } from '#shared/management/users/create';
import { updateUser, updateUserAndClaims } from '#shared/management/users/store';
import { applyChanges, type UserChanges } from '#shared/management/users/changes';
import { DATABASE_PROVIDER, indexedUser, type UserRecord } from '#shared/management/users/model';
import { metadataLimits } from '#shared/management/metadata/limits';
import { loadSearchIndexes } from '#shared/management/search-indexes/declarations';
import { assertDeclaredTypes, indexChanges, touchesIndexes } from '#shared/management/search-indexes/writes';
import { hashPassword, verifyPassword } from '#shared/tenant/passwords/hash';
import { ManagementError } from '#shared/platform/errors';
import { UserExistsError } from '#shared/management/errors';
import { log } from '#shared/platform/log';
import { CustomDbLoginFailedError } from '#shared/authentication/errors';

/**
 * Password logins through a custom database connection (docs/custom-databases.md, "Login"):
 *
 * - import mode (lazy migration): authenticate.ts runs the ordinary login first; only when no user
 *   has the identifier here does `migrateOnLogin` run `login`, and a profile becomes the user
 *   `auth0|<user_id>` with an argon2id hash of the password just checked, claims, index entries
 *   and all, in the one transaction of any new user. From then on it is an ordinary user. (A
 *   copy without a password, kept while the connection was in legacy mode, gets the hash.)
 * - legacy mode: every login runs `login` (no password is kept here); the profile is kept as a
 *   cached copy: created at the first login with the profile's metadata, its profile fields
 *   refreshed at later logins (the metadata is ours from then on, as on Auth0).
 *
 * Any failure (the script's, a bad profile, an id or email taken here) is 403 invalid_grant with a
 * reference the log has; nothing is written. `undefined` means a wrong password (or no such user).
 */
export async function migrateOnLogin(connection: ConnectionRecord, identifier: string, password: string, copy?: UserPartition): Promise<UserPartition | undefined> {
  const profile = await loginScript(connection, identifier, password);
  if (!profile) return undefined;
  if (copy) return keepPassword(connection, copy, profile, password);
  const user = await storeProfile(connection, profile, password);
  if (user) return { user, stats: { logins_count: 0 }, ssoSessions: [] };
  // Another login migrated the same user at the same moment: it is ours now, with that password.
  const fresh = await findUserPartition(userIdOf(profile), true);
  const same = fresh?.user.connection === connection.name && fresh.user.password_hash !== undefined;
  if (same && (await verifyPassword(fresh.user.password_hash!, password))) return fresh;
  throw loginFailure(connection, "the profile's user_id, email or username is taken by another user here");
}

/**
 * A copy kept while the connection was in legacy mode has no password: once the connection is in
 * import mode, the script's yes moves it in for good by storing the hash (its metadata is kept).
 */
async function keepPassword(connection: ConnectionRecord, copy: UserPartition, profile: LegacyProfile, password: string): Promise<UserPartition> {
  if (copy.user.user_id !== userIdOf(profile)) throw loginFailure(connection, "the profile's user_id is not the user this identifier names here");
  const changes: UserChanges = { set: { password_hash: await hashPassword(password) }, remove: [], metadata: {}, expectedVersions: [copy.user.version], keyCountChecked: true };
  try {
    return { ...copy, user: await updateUser(copy.user.user_id, changes, new Date().toISOString(), metadataLimits.maxKeys) };
  } catch (error) {
    if (error instanceof ConditionFailedError) throw loginFailure(connection, 'the user changed while its password was being stored');
    throw error;
  }
}

export async function legacyLogin(connection: ConnectionRecord, identifier: string, password: string): Promise<UserPartition | undefined> {
  const profile = await loginScript(connection, identifier, password);
  if (!profile) return undefined;
  const found = await findUserPartition(userIdOf(profile), false);
  if (found) return refreshCopy(connection, found, profile);
  const user = await storeProfile(connection, profile, undefined);
  if (user) return { user, stats: { logins_count: 0 }, ssoSessions: [] };
  // The eventual read missed a copy that exists (or another login created it just now).
  const fresh = await findUserPartition(userIdOf(profile), true);
  if (fresh) return refreshCopy(connection, fresh, profile);
  throw loginFailure(connection, "the profile's email or username is taken by another user here");
}

async function loginScript(connection: ConnectionRecord, identifier: string, password: string): Promise<LegacyProfile | undefined> {
  try {
    return await customDatabase.login(connection, identifier, password);
  } catch (error) {
    if (error instanceof CustomDbScriptFailedError) throw new CustomDbLoginFailedError(error.reference);
    throw error;
  }
}

const userIdOf = (profile: LegacyProfile) => `${DATABASE_PROVIDER}|${profile.user_id}`;

/** The user, or undefined when its id or a claim is taken; any other refusal of the write is a failure. */
async function storeProfile(connection: ConnectionRecord, profile: LegacyProfile, password: string | undefined): Promise<UserRecord | undefined> {
  const { user_id, email, ...fields } = profile;
  const input: NewDatabaseUser = { ...fields, user_id, email: email!, ...(password === undefined ? {} : { password }) };
  try {
    return await insertDatabaseUser(connection, input);
  } catch (error) {
    if (error instanceof UserExistsError) return undefined;
    if (error instanceof ManagementError) throw loginFailure(connection, `the profile cannot be stored: ${error.message}`);
    throw error;
  }
}

/** The profile fields a legacy login refreshes (absent ones are kept); metadata is ours after the first login. */
const REFRESHED = ['email_verified', 'name', 'nickname', 'given_name', 'family_name', 'picture', 'phone_number', 'phone_verified'] as const;

/**
 * A later legacy login: the copy takes the profile's fields as the script now answers them. A
 * blocked copy stays as it is (the caller refuses it). No write when nothing changed; a moved
 * email or username moves its claim in the same transaction, as a PATCH does.
 */
async function refreshCopy(connection: ConnectionRecord, found: UserPartition, profile: LegacyProfile): Promise<UserPartition> {
  if (found.user.connection !== connection.name) throw loginFailure(connection, "the profile's user_id is taken by a user of another connection");
  if (found.user.blocked === true) return found;
  const set = changedFields(found.user, profile);
  if (Object.keys(set).length === 0) return found;
  const now = new Date().toISOString();
  const changes: UserChanges = { set, remove: [], metadata: {}, expectedVersions: [found.user.version], keyCountChecked: true };
  try {
    return { ...found, user: await writeRefresh(found.user, changes, now) };
  } catch (error) {
    if (error instanceof ConditionFailedError) {
      // Another login (or a PATCH) wrote the copy meanwhile: this login goes on with the copy as
      // it is now; the next login refreshes it.
      log.info('custom database copy changed during a login; not refreshed this time', { connection: connection.name, user_id: found.user.user_id });
      return (await findUserPartition(found.user.user_id, true)) ?? found;
    }
    if (error instanceof ManagementError) throw loginFailure(connection, `the refreshed profile cannot be stored: ${error.message}`);
    throw error;
  }
}

function changedFields(user: UserRecord, profile: LegacyProfile): UserChanges['set'] {
  const set: UserChanges['set'] = {};
  for (const field of REFRESHED) {
    if (profile[field] !== undefined && profile[field] !== user[field]) set[field] = profile[field];
  }
  const email = normaliseEmail(profile.email!);
  if (email !== user.email) {
    set.email = email;
    set.email_verified = profile.email_verified ?? false;
  }
  const username = profile.username === undefined ? undefined : normaliseUsername(profile.username);
  if (username !== undefined && username !== user.username) set.username = username;
  return set;
}

async function writeRefresh(before: UserRecord, changes: UserChanges, now: string): Promise<UserRecord> {
  const indexes = await loadSearchIndexes();
  const movesItems = changes.set.email !== undefined || changes.set.username !== undefined || touchesIndexes(changes, indexes);
  if (!movesItems) return updateUser(before.user_id, changes, now, metadataLimits.maxKeys);
  const after = applyChanges(before, changes, now);
  const [old, next] = [indexedUser(before), indexedUser(after)];
  assertDeclaredTypes(old, next, indexes);
  await updateUserAndClaims(before, after, changes, now, indexChanges(old, next, indexes));
  return after;
}

function loginFailure(connection: ConnectionRecord, reason: string): CustomDbLoginFailedError {
  return new CustomDbLoginFailedError(scriptFailure(connection, 'login', reason).reference);
}
