import type { ConnectionRecord } from '#shared/db/connections-repo';
import type { JsonObject } from '#shared/platform/json';

/**
 * Custom database connections (Auth0's "Use my own database"), as the feature areas see them: the
 * mode a connection is in, the port through which the Management API and the signup call its
 * scripts, and the errors the scripts end in. The sandbox implements the port
 * (shared/sandbox/custom-db/legacy-store.ts); management sits under the sandbox, so a route passes
 * the implementation in. docs/custom-databases.md has the behaviour.
 */

/**
 * none: an ordinary database connection. import: lazy migration (`import_mode: true`): users
 * move in at their first login and the scripts are then bypassed. legacy: the legacy store stays
 * the source of truth: every login runs `login`, and we keep a cached copy of the profile.
 */
export type CustomDbMode = 'none' | 'import' | 'legacy';

export function customDbMode(connection: ConnectionRecord): CustomDbMode {
  if (connection.options.enabledDatabaseCustomization !== true) return 'none';
  return connection.options.import_mode === true ? 'import' : 'legacy';
}

/**
 * A profile a script (login, get_user) returned, checked and normalised: `metadata` (the seed's
 * name for app_metadata in scripts) and `app_metadata` already merged into `app_metadata`, the
 * metadata rules applied, `user_id` as the script gave it (we store `auth0|<user_id>`).
 */
export interface LegacyProfile {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  username?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  phone_number?: string;
  phone_verified?: boolean;
  user_metadata: JsonObject;
  app_metadata: JsonObject;
}

/** What `create` receives (Auth0's `user`), less `tenant` and `connection`, which the port adds. */
export interface LegacyNewUser {
  email: string;
  password: string;
  username?: string;
  email_verified?: boolean;
  client_id?: string;
  user_metadata: JsonObject;
  app_metadata: JsonObject;
}

/**
 * One connection's scripts. Every method throws CustomDbScriptFailedError when the script failed
 * (threw, timed out, called back with an ordinary error or with a value of the wrong shape, or is
 * not defined), and CustomDbScriptRefusedError when it called back with ValidationError (or, for
 * login, never: a wrong password is `undefined`).
 */
export interface LegacyStore {
  /** `login(userNameOrEmail, password)`: the profile, or undefined for WrongUsernameOrPasswordError or no profile. */
  login(connection: ConnectionRecord, identifier: string, password: string): Promise<LegacyProfile | undefined>;
  /** `getUser(email)`: the profile, or undefined when the store has no such user. */
  getUser(connection: ConnectionRecord, email: string): Promise<LegacyProfile | undefined>;
  /** `create(user)`. */
  create(connection: ConnectionRecord, user: LegacyNewUser): Promise<void>;
  /** `verify(email)`: whether the store marked the email verified. */
  verify(connection: ConnectionRecord, email: string): Promise<boolean>;
  /** `changePassword(email, newPassword)`: whether the store changed it. */
  changePassword(connection: ConnectionRecord, email: string, newPassword: string): Promise<boolean>;
  /** `changeEmail(email, newEmail, verified)`: whether the store changed it. */
  changeEmail(connection: ConnectionRecord, email: string, newEmail: string, verified: boolean): Promise<boolean>;
  /** `deleteUser(id)`: `id` without the `auth0|` prefix, as Auth0 passes it. */
  delete(connection: ConnectionRecord, id: string): Promise<void>;
}

/** A script failed; the caller answers with the reference, and the log has the details under it. */
export class CustomDbScriptFailedError extends Error {
  constructor(
    readonly script: string,
    readonly reference: string,
  ) {
    super(`The connection's ${script} script failed (reference ${reference}).`);
    this.name = 'CustomDbScriptFailedError';
  }
}

/** A script called back with ValidationError(code, message): a refusal the caller answers in its API's shape. */
export class CustomDbScriptRefusedError extends Error {
  constructor(
    readonly script: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CustomDbScriptRefusedError';
  }
}
