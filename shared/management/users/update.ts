import type { Caller } from '#shared/tenant/caller';
import { connectionByName } from '#shared/tenant/connections';
import { customDbMode, type LegacyStore } from '#shared/tenant/custom-db';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { findUser } from '#shared/db/users-repo';
import { UserNotFoundError } from '#shared/management/errors';
import { ConnectionNotFoundError } from '#shared/tenant/errors';
import { assertCanUpdate } from '#shared/management/users/access';
import { forgetLoginCounters } from '#shared/management/user-blocks/blocks';
import { assertPasswordMeetsPolicy } from '#shared/management/users/create';
import { updateLegacyUser } from '#shared/management/users/legacy-update';
import { toChanges, writeChanges } from '#shared/management/users/patch';
import type { UserRecord } from '#shared/management/users/model';
import type { UpdateUserBody } from '#shared/management/users/schemas';

/**
 * PATCH /api/v2/users/{id} (the changes and their writes: patch.ts). A change of email, password
 * or email_verified may run a custom database's script (legacy mode: legacy-update.ts), so the
 * user is read first to learn its connection; that read then serves the password policy and, as
 * the first attempt's read, the email's move. `legacy` is the port to the connection's scripts.
 * A password reset checks the connection's policy (as on Auth0) and clears the user's brute-force
 * blocks.
 */
export async function updateUser(
  caller: Caller, userId: string, body: UpdateUserBody, expectedVersions: number[] | undefined, legacy: LegacyStore,
): Promise<UserRecord> {
  const permission = assertCanUpdate(caller, userId, body);
  const current = mayRunScript(body) ? await currentUser(userId, body.password) : undefined;
  if (current?.connection && customDbMode(current.connection) === 'legacy') {
    return updateLegacyUser({ user: current.user, connection: current.connection, body, expectedVersions, createOnly: permission.createOnlyUserMetadata, legacy });
  }
  if (current?.connection && body.password !== undefined) assertPasswordMeetsPolicy(current.connection, body.password, current.user);
  const now = new Date().toISOString();
  const changes = await toChanges(body, expectedVersions, permission.createOnlyUserMetadata, now);
  const updated = await writeChanges(userId, body, changes, now, current?.user);
  // A password reset unblocks the user, as on Auth0: the counters of the identifiers as they were.
  if (current && body.password !== undefined) await forgetLoginCounters(current.user);
  return updated;
}

const mayRunScript = (body: UpdateUserBody) => body.email !== undefined || body.password !== undefined || body.email_verified === true;

/**
 * The user as stored and its connection (the connection a user is in never changes), or no
 * connection once its deletion has begun: then no script runs, and a new password, which needs
 * the connection's policy, is refused as before.
 */
async function currentUser(userId: string, password: string | undefined): Promise<{ user: UserRecord; connection?: ConnectionRecord }> {
  const user = await findUser(userId);
  if (!user) throw new UserNotFoundError();
  try {
    return { user, connection: await connectionByName(user.connection) };
  } catch (error) {
    if (error instanceof ConnectionNotFoundError && password === undefined) return { user };
    throw error;
  }
}

/** What rules and actions changed in a user's metadata during a login (Auth0's merge rules apply). */
export type LoginMetadataChanges = Pick<UpdateUserBody, 'user_metadata' | 'app_metadata'>;

/**
 * Writes a login's metadata changes: the same validation, merge and writes as a PATCH of those
 * fields (one conditional UpdateItem, or a transaction when a declared index moves), with no
 * caller to authorise, as `auth0.users.updateUserMetadata` does for a rule.
 */
export async function applyLoginMetadataChanges(userId: string, metadata: LoginMetadataChanges): Promise<UserRecord> {
  const now = new Date().toISOString();
  const changes = await toChanges(metadata, undefined, false, now);
  return writeChanges(userId, metadata, changes, now);
}

