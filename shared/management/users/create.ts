import { connectionByName } from '#shared/tenant/connections';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { insertUser } from '#shared/management/users/store';
import {
  CustomDbUnavailableError,
  CustomDbUserIdError,
  PasswordHasUserInfoError,
  PasswordTooCommonError,
  PasswordTooWeakError,
  UserExistsError,
  UsernameNotAllowedError,
} from '#shared/management/errors';
import { customDbMode, type LegacyStore } from '#shared/tenant/custom-db';
import { afterScript, cachedCopy, createInLegacyStore, identifiersFree, managementScript, scriptFailure } from '#shared/management/users/custom-db';
import { passwordRuleFailure, type PersonalInfo } from '#shared/tenant/passwords/rules';
import { usernameLengthProblem } from '#shared/tenant/passwords/usernames';
import { InvalidBodyError } from '#shared/platform/errors';
import { newUserIdPart } from '#shared/platform/ids';
import { metadataLimits } from '#shared/management/metadata/limits';
import type { JsonObject } from '#shared/platform/json';
import { validateMetadata } from '#shared/management/metadata/rules';
import { hashPassword } from '#shared/tenant/passwords/hash';
import { checkPassword, policyFor } from '#shared/tenant/passwords/policy';
import { defaultName, defaultNickname, defaultPicture } from '#shared/management/users/defaults';
import { DATABASE_PROVIDER, indexedUser, type UserRecord } from '#shared/management/users/model';
import type { CreateUserBody } from '#shared/management/users/schemas';
import { connectionDirectoryKey, normaliseEmail, normaliseUsername } from '#shared/db/keys';
import { ConditionFailedError } from '#shared/db/errors';
import { ConnectionNotFoundError } from '#shared/tenant/errors';
import { loadSearchIndexes } from '#shared/management/search-indexes/declarations';
import { assertDeclaredTypes, indexChanges } from '#shared/management/search-indexes/writes';

/**
 * POST /api/v2/users for a database connection: one transaction writes the user, its claims and
 * its index entries. A custom database connection runs its scripts first (custom-db.ts): in
 * import mode `get_user` (a user the legacy store has is 409), otherwise `create` then `login`,
 * and the user written is the cached copy of the profile login answers.
 */
export async function createUser(body: CreateUserBody, legacy: LegacyStore): Promise<UserRecord> {
  const connection = await connectionByName(body.connection);
  if (!body.email) throw new InvalidBodyError("'Missing required property: email'.");
  if (!body.password) throw new InvalidBodyError("'Missing required property: password'.");
  const requiresUsername = connection.options.requires_username === true;
  if (body.username && !requiresUsername) throw new UsernameNotAllowedError();
  if (!body.username && requiresUsername) throw new InvalidBodyError("'Missing required property: username'.");
  assertPasswordMeetsPolicy(connection, body.password, body);
  assertUsernameLength(connection, body.username);

  const user_metadata = withoutNulls(body.user_metadata ?? {});
  const app_metadata = withoutNulls(body.app_metadata ?? {});
  validateMetadata('user_metadata', user_metadata, metadataLimits);
  validateMetadata('app_metadata', app_metadata, metadataLimits);

  const input = { ...body, email: body.email, password: body.password, user_metadata, app_metadata };
  switch (customDbMode(connection)) {
    case 'none':
      return insertDatabaseUser(connection, input);
    case 'import':
      if (await managementScript(() => legacy.getUser(connection, normaliseEmail(input.email)))) throw new UserExistsError();
      return insertDatabaseUser(connection, input);
    case 'legacy':
      return createLegacyUser(legacy, connection, input);
  }
}

/**
 * Legacy mode: the identifiers must be free here before `create` runs; the copy's write can still
 * meet a taken id or email (the profile's, if the legacy store answered others than it was given):
 * then the legacy store holds a user we cannot keep, a failure with a reference.
 */
async function createLegacyUser(legacy: LegacyStore, connection: ConnectionRecord, input: NewDatabaseUser & { password: string }): Promise<UserRecord> {
  if (input.user_id !== undefined) throw new CustomDbUserIdError();
  if (!(await identifiersFree(connection, input.email, input.username))) throw new UserExistsError();
  const { password, user_id: _id, ...rest } = input;
  const user = {
    email: normaliseEmail(rest.email), password, user_metadata: rest.user_metadata, app_metadata: rest.app_metadata,
    ...(rest.username !== undefined ? { username: normaliseUsername(rest.username) } : {}),
    ...(rest.email_verified !== undefined ? { email_verified: rest.email_verified } : {}),
  };
  const profile = await managementScript(() => createInLegacyStore(legacy, connection, user));
  try {
    return await afterScript(connection, 'create', () => insertDatabaseUser(connection, cachedCopy(profile, rest)));
  } catch (error) {
    if (!(error instanceof UserExistsError)) throw error;
    throw new CustomDbUnavailableError(scriptFailure(connection, 'login', "the profile's user_id, email or username is taken here").message);
  }
}

/**
 * The Management API's answer to a password the connection's policy refuses (on create and on a
 * PATCH, as on Auth0). Auth0 gives no details here; the signup endpoint reports the rules.
 */
export function assertPasswordMeetsPolicy(connection: ConnectionRecord, password: string, user: PersonalInfo): void {
  if (!checkPassword(policyFor(connection.options), password).verified) {
    throw new PasswordTooWeakError();
  }
  const failure = passwordRuleFailure(connection.options, password, user);
  if (failure === 'dictionary') throw new PasswordTooCommonError();
  if (failure === 'personal_info') throw new PasswordHasUserInfoError();
}

/** The connection's `validation.username` length bounds (Auth0's message). */
function assertUsernameLength(connection: ConnectionRecord, username: string | undefined): void {
  const problem = username === undefined ? undefined : usernameLengthProblem(connection.options, username);
  if (problem) throw new InvalidBodyError(`'${problem}' on property username (The user's username).`);
}

/** A new database user as the caller validated it (Management API or signup). */
export interface NewDatabaseUser {
  email: string;
  /** Absent for a custom database's cached copy (legacy mode): the legacy store checks passwords. */
  password?: string;
  user_id?: string;
  username?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_verified?: boolean;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  blocked?: boolean;
  user_metadata: JsonObject;
  app_metadata: JsonObject;
}

/**
 * Builds the user with Auth0's defaults and writes it with its email and username claims and its
 * search index entries in one transaction (UserExistsError if a claim is taken). The password is hashed before the write,
 * whether or not the user exists, so the time taken does not tell the two apart.
 */
export async function insertDatabaseUser(connection: ConnectionRecord, input: NewDatabaseUser): Promise<UserRecord> {
  const email = normaliseEmail(input.email);
  const name = input.name ?? defaultName(email);
  const now = new Date().toISOString();
  const user: UserRecord = {
    user_id: `${DATABASE_PROVIDER}|${input.user_id ?? newUserIdPart()}`,
    connection: connection.name,
    email,
    email_verified: input.email_verified ?? false,
    username: input.username ? normaliseUsername(input.username) : undefined,
    phone_number: input.phone_number,
    phone_verified: input.phone_verified,
    name,
    nickname: input.nickname ?? defaultNickname(email),
    given_name: input.given_name,
    family_name: input.family_name,
    picture: input.picture ?? defaultPicture(email, name),
    blocked: input.blocked,
    created_at: now,
    updated_at: now,
    user_metadata: input.user_metadata,
    app_metadata: input.app_metadata,
    password_hash: input.password === undefined ? undefined : await hashPassword(input.password),
    version: 1,
  };
  const indexes = await loadSearchIndexes();
  const wire = indexedUser(user);
  assertDeclaredTypes(undefined, wire, indexes);
  try {
    await insertUser(user, indexChanges(undefined, wire, indexes).put, connectionDirectoryKey(connection.id));
  } catch (error) {
    // The connection's deletion began after it was read (a cached copy): it takes no new users.
    if (error instanceof ConditionFailedError) throw new ConnectionNotFoundError();
    throw error;
  }
  return user;
}

/** On create there is nothing to delete: `null` values are dropped rather than stored. */
function withoutNulls(metadata: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== null)) as JsonObject;
}
