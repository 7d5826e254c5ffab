import type { ConnectionRecord } from '#shared/db/connections-repo';
import { emailClaimKey, normaliseEmail, usernameClaimKey } from '#shared/db/keys';
import { confirmClaim } from '#shared/db/logins-repo';
import { CustomDbScriptFailedError, CustomDbScriptRefusedError, type LegacyNewUser, type LegacyProfile, type LegacyStore } from '#shared/tenant/custom-db';
import { CustomDbUnavailableError, CustomDbValidationError, UserExistsError } from '#shared/management/errors';
import type { NewDatabaseUser } from '#shared/management/users/create';
import { randomAlphanumeric } from '#shared/platform/ids';
import { log } from '#shared/platform/log';

/**
 * What creating a user through a custom database connection shares between the Management API
 * and the signup (docs/custom-databases.md): the legacy store's `create` then `login` (Auth0 runs
 * login right after create, to learn the profile it then keeps), the cached copy built from that
 * profile, and the identifiers that must be free here before a script changes the legacy store.
 * The store is the port (tenant/custom-db.ts): the routes pass the sandbox's implementation in.
 */

/**
 * A failure we detect around the scripts (login finds no user right after create, a profile whose
 * id or email is taken here): logged under a new reference, like the sandbox's own failures.
 */
export function scriptFailure(connection: ConnectionRecord, script: string, reason: string): CustomDbScriptFailedError {
  const reference = randomAlphanumeric(12);
  log.warn('custom database script failed', { connection: connection.name, script, reference, reason });
  return new CustomDbScriptFailedError(script, reference);
}

/**
 * `create(user)` then `login(email, password)`. Throws the port's errors as they are (each API
 * answers them in its own shape); a login that answers no profile is a failure of `login`: the
 * legacy store now holds a user we could not confirm, which the log says under the reference.
 */
export async function createInLegacyStore(legacy: LegacyStore, connection: ConnectionRecord, user: LegacyNewUser): Promise<LegacyProfile> {
  await legacy.create(connection, user);
  const profile = await legacy.login(connection, user.email, user.password).catch((error: unknown) => {
    if (error instanceof CustomDbScriptFailedError) {
      log.warn('custom database: create succeeded, then login failed; the legacy store holds a user stored nowhere here', {
        connection: connection.name, reference: error.reference,
      });
    }
    throw error;
  });
  if (!profile) throw scriptFailure(connection, 'login', 'create succeeded, then login with the same email and password found no user');
  return profile;
}

/**
 * The cached copy of a user the legacy store created: its profile's id and fields, and the
 * metadata the request gave (ours from now on, as Auth0 stores metadata itself). No password
 * hash: every login asks the legacy store.
 */
export function cachedCopy(profile: LegacyProfile, input: Omit<NewDatabaseUser, 'password'>): NewDatabaseUser {
  const pick = <K extends keyof LegacyProfile & keyof NewDatabaseUser>(key: K) => profile[key] ?? input[key];
  return {
    ...input,
    user_id: profile.user_id,
    email: normaliseEmail(profile.email ?? input.email),
    email_verified: profile.email_verified ?? input.email_verified ?? false,
    username: pick('username'),
    name: pick('name'),
    nickname: pick('nickname'),
    given_name: pick('given_name'),
    family_name: pick('family_name'),
    picture: pick('picture'),
    phone_number: pick('phone_number'),
    phone_verified: pick('phone_verified'),
  };
}

/**
 * Whether the email (and username) are free in the connection here, read strongly consistently
 * before a script changes the legacy store, so a taken one is refused before, not after.
 */
export async function identifiersFree(connection: ConnectionRecord, email: string, username: string | undefined): Promise<boolean> {
  const claims = [emailClaimKey(email, connection.name), ...(username ? [usernameClaimKey(username, connection.name)] : [])];
  const owners = await Promise.all(claims.map((key) => confirmClaim(key)));
  return owners.every((owner) => owner === undefined);
}

/**
 * Our write after a script changed the legacy store. If it fails (a race on the claim, a
 * connection being deleted, DynamoDB itself), the two now differ: the log says so, and the error
 * is answered as it is.
 */
export async function afterScript<T>(connection: ConnectionRecord, script: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    log.warn('custom database: the legacy store made the change, ours failed', {
      connection: connection.name, script, error: (error as Error).name,
    });
    throw error;
  }
}

/** Runs a script call and answers its errors in the Management API's shape. */
export async function managementScript<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CustomDbScriptFailedError) throw new CustomDbUnavailableError(error.message);
    if (error instanceof CustomDbScriptRefusedError) {
      throw error.code === 'user_exists' ? new UserExistsError() : new CustomDbValidationError(error.code, error.message);
    }
    throw error;
  }
}
