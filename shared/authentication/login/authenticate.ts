import { randomUUID } from 'node:crypto';
import { connectionByName } from '#shared/tenant/connections';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { emailClaimKey, type Key, usernameClaimKey } from '#shared/db/keys';
import { counterKeys, countersIn, type CountersRef } from '#shared/db/login-counters-repo';
import { confirmClaim, findUserPartition, readLoginItems, type UserPartition } from '#shared/db/logins-repo';
import { ConnectionNotFoundError } from '#shared/tenant/errors';
import { ConnectionDisabledError, UnknownConnectionError, UserBlockedError, WrongCredentialsError } from '#shared/authentication/errors';
import { isClientEnabled } from '#shared/tenant/clients';
import { admitAttempt, clearAttempt, noteFailure, unguarded, type Admission } from '#shared/authentication/login/brute-force';
import { hashPassword, verifyPassword } from '#shared/tenant/passwords/hash';
import { customDbMode } from '#shared/tenant/custom-db';
import { legacyLogin, migrateOnLogin } from '#shared/authentication/login/custom-db-login';

/**
 * Email (or username) and password against a database connection, as Auth0 answers it.
 *
 * A known and an unknown identifier take the same path: the same reads (the claims and the
 * brute-force counters in one BatchGetItem, then a Query of the user's partition or of a decoy),
 * the same reservation writes (shared/authentication/login/brute-force.ts), a password hash to verify (the
 * user's or a decoy), and, on a mismatch, one strongly consistent Query before refusing. So
 * neither the answers, the number of failures before too_many_attempts, nor the requests tell
 * whether an account exists.
 *
 * Reads are eventually consistent (half the price); the strong Query before refusing makes sure
 * a user who just signed up or changed their password is not refused because of a stale read.
 *
 * A custom database connection (custom-db-login.ts): in import mode the same path runs, and only
 * when no user has the identifier (after the strong Query) does the `login` script run and its
 * profile become a user here; a user stored here never runs a script again. In legacy mode every
 * login runs `login` after the brute-force reservation, and no password is checked here.
 */
/** Longer identifiers cannot exist (emails ≤ 254, usernames ≤ 128) and must not become keys. */
const MAX_IDENTIFIER_LENGTH = 512;

/** A hash to verify against when the user does not exist, so timing does not reveal that. */
let decoyHash: Promise<string> | undefined;
/** A partition no user has, read in place of the user's when the identifier names none. */
const DECOY_USER_ID = `decoy|${randomUUID()}`;

export interface PasswordLogin {
  connection: ConnectionRecord;
  partition: UserPartition;
  /** The brute-force reservation: cleared once the login completes, or if it is refused anyway. */
  admission: Admission;
}

export async function authenticatePassword(realm: string, username: string, password: string, ip: string, clientId: string): Promise<PasswordLogin> {
  const connection = await connectionByName(realm).catch((error: unknown) => {
    if (error instanceof ConnectionNotFoundError) throw new UnknownConnectionError(realm);
    throw error;
  });
  // An application not enabled on the connection is refused before any credential is looked at.
  if (!isClientEnabled(connection, clientId)) throw new ConnectionDisabledError();
  const ref: CountersRef = { connection: connection.name, identifier: username, ip };
  const claimKeys = username.length <= MAX_IDENTIFIER_LENGTH ? claimKeysFor(connection, username) : [];
  // `brute_force_protection: false` turns the counters off for this connection (Auth0's option).
  const guarded = connection.options.brute_force_protection !== false;
  const mode = customDbMode(connection);
  if (mode === 'legacy') return scriptedLogin(connection, ref, guarded, username, password);
  // A connection deleted elsewhere after it was cached is refused after the extensions generation
  // read, before anything is issued (complete-login.ts, docs/connections.md).
  const read = await readLoginItems(claimKeys, guarded ? counterKeys(ref) : []);
  const userId = read.claims.find((id) => id !== undefined);
  const partition = (await findUserPartition(userId ?? DECOY_USER_ID, false)) ?? (userId ? await findUserPartition(userId, true) : undefined);

  const admission = guarded ? await admitAttempt(ref, countersIn(read.items, ref, Date.now())) : unguarded(ref);
  const matched = await passwordMatches(partition, password);
  const confirmed = matched ? { match: matched, found: matched } : await confirmWithStrongRead(partition, claimKeys, password);
  // Import mode: an identifier no user has here (or only a copy kept in legacy mode, without a
  // password) may name a user of the legacy store.
  const migrates = mode === 'import' && !confirmed.match && !confirmed.found?.user.password_hash;
  const current = confirmed.match ?? (migrates ? await migrateOnLogin(connection, username, password, confirmed.found) : undefined);
  if (!current) {
    noteFailure(admission, undefined, partition?.user.user_id);
    throw new WrongCredentialsError();
  }
  if (current.user.blocked === true) {
    await clearAttempt(admission);
    throw new UserBlockedError();
  }
  return { connection, partition: current, admission };
}

/**
 * The claims an identifier may name: an email, or a username on a connection that has them (a
 * username may contain '@', so that is tried when no email matches).
 */
function claimKeysFor(connection: ConnectionRecord, identifier: string): Key[] {
  const keys: Key[] = [];
  if (identifier.includes('@')) keys.push(emailClaimKey(identifier, connection.name));
  if (connection.options.requires_username === true) keys.push(usernameClaimKey(identifier, connection.name));
  return keys;
}

/** The user's hash, or the decoy's when there is no user (or no password): one verification either way. */
async function passwordMatches(partition: UserPartition | undefined, password: string): Promise<UserPartition | undefined> {
  const hash = partition?.user.password_hash;
  if (!hash) {
    await verifyPassword(await (decoyHash ??= hashPassword('decoy password')), password);
    return undefined;
  }
  return (await verifyPassword(hash, password)) ? partition : undefined;
}

/**
 * The eventually consistent reads may predate a password change or a sign-up: one strongly
 * consistent Query before refusing, of the user's partition or, for no user, of the claim.
 */
async function confirmWithStrongRead(stale: UserPartition | undefined, claimKeys: Key[], password: string): Promise<Confirmed> {
  if (stale) {
    const fresh = await findUserPartition(stale.user.user_id, true);
    if (!fresh || fresh.user.password_hash === stale.user.password_hash) return { found: fresh };
    return { match: await passwordMatches(fresh, password), found: fresh };
  }
  const userId = claimKeys[0] ? await confirmClaim(claimKeys[0]) : await findUserPartition(DECOY_USER_ID, true).then(() => undefined);
  const fresh = userId ? await findUserPartition(userId, true) : undefined;
  return { match: fresh?.user.password_hash ? await passwordMatches(fresh, password) : undefined, found: fresh };
}

/** The strong read's verdict: the user whose password matched, and the user the identifier names, if any. */
interface Confirmed {
  match?: UserPartition;
  found?: UserPartition;
}

/**
 * Legacy mode: the brute-force counters as for any login (one BatchGetItem, the reservation), then
 * the `login` script decides; the cached copy says whether the user is blocked.
 */
async function scriptedLogin(connection: ConnectionRecord, ref: CountersRef, guarded: boolean, username: string, password: string): Promise<PasswordLogin> {
  const read = guarded ? await readLoginItems([], counterKeys(ref)) : undefined;
  const admission = read ? await admitAttempt(ref, countersIn(read.items, ref, Date.now())) : unguarded(ref);
  const current = await legacyLogin(connection, username, password);
  if (!current) {
    noteFailure(admission);
    throw new WrongCredentialsError();
  }
  if (current.user.blocked === true) {
    await clearAttempt(admission);
    throw new UserBlockedError();
  }
  return { connection, partition: current, admission };
}
