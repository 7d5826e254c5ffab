import type { ConnectionRecord } from '#shared/db/connections-repo';
import { emailClaimKey, normaliseEmail } from '#shared/db/keys';
import { confirmClaim } from '#shared/db/logins-repo';
import type { LegacyStore } from '#shared/tenant/custom-db';
import { CustomDbChangeRefusedError, SimultaneousScriptChangesError, UserExistsError } from '#shared/management/errors';
import { forgetLoginCounters } from '#shared/management/user-blocks/blocks';
import { assertPasswordMeetsPolicy } from '#shared/management/users/create';
import { afterScript, managementScript } from '#shared/management/users/custom-db';
import { identifierChanges, toChanges, writeChanges } from '#shared/management/users/patch';
import { assertPreconditions } from '#shared/management/users/preconditions';
import type { UserRecord } from '#shared/management/users/model';
import type { UpdateUserBody } from '#shared/management/users/schemas';

/**
 * PATCH of a user of a custom database connection without import mode: the legacy store is the
 * source of truth for the email and the password, so `changeEmail`, `changePassword` or `verify`
 * runs first, and our cached copy changes only once the script said it did. Everything that can
 * refuse the PATCH here is checked before the script runs (the If-Match version, the connection
 * named, the metadata, the password policy, the new email free in this connection), so a script's
 * change is not followed by our refusal. One scripted change per PATCH: two could half succeed.
 * The copy keeps no password hash; a password change records `last_password_reset` and, as any
 * reset, clears the user's brute-force blocks. Other fields change here only, as on Auth0.
 */
export interface LegacyUpdate {
  user: UserRecord;
  connection: ConnectionRecord;
  body: UpdateUserBody;
  expectedVersions: number[] | undefined;
  createOnly: boolean;
  legacy: LegacyStore;
}

export async function updateLegacyUser({ user, connection, body, expectedVersions, createOnly, legacy }: LegacyUpdate): Promise<UserRecord> {
  const newEmail = body.email !== undefined && normaliseEmail(body.email) !== user.email ? normaliseEmail(body.email) : undefined;
  const password = body.password;
  const verifies = newEmail === undefined && body.email_verified === true && !user.email_verified;
  if (newEmail !== undefined && password !== undefined) throw new SimultaneousScriptChangesError(['password', 'email']);
  if (password !== undefined && verifies) throw new SimultaneousScriptChangesError(['password', 'email_verified']);

  const now = new Date().toISOString();
  const { password: _password, ...local } = body;
  const changes = await toChanges(local, expectedVersions, createOnly, now);
  if (password !== undefined) changes.set.last_password_reset = now;
  assertPreconditions(user, await identifierChanges(user, local, changes), now);
  if (password !== undefined) assertPasswordMeetsPolicy(connection, password, user);
  if (newEmail !== undefined && (await confirmClaim(emailClaimKey(newEmail, connection.name))) !== undefined) throw new UserExistsError();

  const script: Script | undefined =
    newEmail !== undefined ? ['change_email', () => legacy.changeEmail(connection, user.email, newEmail, body.email_verified === true)]
    : password !== undefined ? ['change_password', () => legacy.changePassword(connection, user.email, password)]
    : verifies ? ['verify', () => legacy.verify(connection, user.email)]
    : undefined;
  if (script) await expectChange(script);
  const write = () => writeChanges(user.user_id, local, changes, now, user);
  const updated = script ? await afterScript(connection, script[0], write) : await write();
  if (password !== undefined) await forgetLoginCounters(user);
  return updated;
}

/** A script that answers whether it made the change: its name, and its call. */
type Script = [name: string, run: () => Promise<boolean>];

/** `false` refuses the PATCH, with nothing changed here. */
async function expectChange([name, run]: Script): Promise<void> {
  if (!(await managementScript(run))) throw new CustomDbChangeRefusedError(name);
}
