import type { ConnectionRecord } from '#shared/db/connections-repo';
import { normaliseEmail, normaliseUsername } from '#shared/db/keys';
import { CustomDbScriptFailedError, CustomDbScriptRefusedError, customDbMode, type LegacyStore } from '#shared/tenant/custom-db';
import { UserExistsError } from '#shared/management/errors';
import { insertDatabaseUser, type NewDatabaseUser } from '#shared/management/users/create';
import { afterScript, cachedCopy, createInLegacyStore, identifiersFree, scriptFailure } from '#shared/management/users/custom-db';
import type { UserRecord } from '#shared/management/users/model';
import { customDatabase } from '#shared/sandbox/custom-db/legacy-store';
import { CustomDbSignupError, CustomDbValidationSignupError, InvalidSignupError } from '#shared/authentication/errors';

/**
 * The signup's write, by the connection's custom database mode (docs/custom-databases.md):
 * - none: the user and its claims in one transaction, as ever;
 * - import: `get_user` first; a user the legacy store has is the usual vague `invalid_signup`
 *   (Auth0 runs get_user on signup so that a user cannot exist twice); then as none;
 * - legacy: the email (and username) must be free here; then `create(user)` and `login(email,
 *   password)`, and the cached copy of login's profile is written, without a password hash.
 * A script's failure is 400 `custom_db_error` naming the script and the log's reference; its
 * `ValidationError(code, message)` is answered with that code and message. Nothing is stored
 * here when a script fails. UserExistsError from the insert is the caller's to answer.
 */
export interface SignupUser extends NewDatabaseUser {
  password: string;
  client_id: string;
}

export async function insertSignupUser(connection: ConnectionRecord, user: SignupUser, legacy: LegacyStore = customDatabase): Promise<UserRecord> {
  const { client_id, ...fields } = user;
  switch (customDbMode(connection)) {
    case 'none':
      return insertDatabaseUser(connection, fields);
    case 'import':
      if (await signupScript(() => legacy.getUser(connection, normaliseEmail(user.email)))) throw new InvalidSignupError();
      return insertDatabaseUser(connection, fields);
    case 'legacy':
      return legacySignup(legacy, connection, user);
  }
}

async function legacySignup(legacy: LegacyStore, connection: ConnectionRecord, user: SignupUser): Promise<UserRecord> {
  const { password, client_id, ...profile } = user;
  const email = normaliseEmail(user.email);
  const username = user.username === undefined ? undefined : normaliseUsername(user.username);
  if (!(await identifiersFree(connection, email, username))) throw new InvalidSignupError();
  const created = await signupScript(() =>
    createInLegacyStore(legacy, connection, {
      email, password, client_id, user_metadata: user.user_metadata, app_metadata: user.app_metadata, ...(username ? { username } : {}),
    }),
  );
  try {
    return await afterScript(connection, 'create', () => insertDatabaseUser(connection, cachedCopy(created, profile)));
  } catch (error) {
    if (!(error instanceof UserExistsError)) throw error;
    const failure = scriptFailure(connection, 'login', "the profile's user_id, email or username is taken here");
    throw new CustomDbSignupError(failure.message, failure.reference);
  }
}

/** Runs a script call and answers its errors in the signup's shape. */
async function signupScript<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CustomDbScriptFailedError) throw new CustomDbSignupError(error.message, error.reference);
    if (error instanceof CustomDbScriptRefusedError) throw new CustomDbValidationSignupError(error.code, error.message);
    throw error;
  }
}
