import type { ConnectionRecord } from '#shared/db/connections-repo';
import type { CustomDbScriptName } from '#shared/sandbox/contract';
import { checkProfile } from '#shared/sandbox/custom-db/profile';
import { runScript, scriptFailure, type ScriptAnswer } from '#shared/sandbox/custom-db/scripts';
import { CustomDbScriptRefusedError, type LegacyNewUser, type LegacyProfile, type LegacyStore } from '#shared/tenant/custom-db';
import { config } from '#shared/platform/config';
import type { JsonObject, JsonValue } from '#shared/platform/json';

/**
 * The LegacyStore port (shared/tenant/custom-db.ts) over the connection's scripts in the sandbox.
 * The Management API and the signup receive it as `customDatabase`; the login uses it directly.
 *
 * What each script's callback means: `WrongUsernameOrPasswordError` (login only) or a login/get_user
 * calling back without a profile is "no such user or wrong password"; `ValidationError(code,
 * message)` is CustomDbScriptRefusedError (except from login, where it is a failure); anything
 * else that is not the documented value is a failure with a reference (scripts.ts).
 */
export const customDatabase: LegacyStore = {
  async login(connection, identifier, password) {
    const answer = await runScript(connection, 'login', [identifier, password]);
    if (answer.outcome === 'refused' && answer.error.name === 'WrongUsernameOrPasswordError') return undefined;
    return profileOf(connection, 'login', answer);
  },

  async getUser(connection, email) {
    return profileOf(connection, 'get_user', await runScript(connection, 'get_user', [email]));
  },

  async create(connection, user) {
    settled(connection, 'create', await runScript(connection, 'create', [scriptUser(connection, user)]));
  },

  async verify(connection, email) {
    return yesOrNo(connection, 'verify', await runScript(connection, 'verify', [email]));
  },

  async changePassword(connection, email, newPassword) {
    return yesOrNo(connection, 'change_password', await runScript(connection, 'change_password', [email, newPassword]));
  },

  async changeEmail(connection, email, newEmail, verified) {
    return yesOrNo(connection, 'change_email', await runScript(connection, 'change_email', [email, newEmail, verified]));
  },

  async delete(connection, id) {
    settled(connection, 'delete', await runScript(connection, 'delete', [id]));
  },
};

/**
 * Auth0's `user` for `create`: app_metadata is called `metadata` (the seed's name); `tenant` and
 * `connection` are added. Fields left undefined are dropped (the script receives JSON).
 */
function scriptUser(connection: ConnectionRecord, user: LegacyNewUser): JsonObject {
  const out: Record<string, JsonValue | undefined> = {
    client_id: user.client_id,
    tenant: tenantName(),
    email: user.email,
    password: user.password,
    username: user.username,
    connection: connection.name,
    user_metadata: user.user_metadata,
    metadata: user.app_metadata,
    email_verified: user.email_verified,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as JsonObject;
}

/** The tenant's name as rules see it (`context.tenant`): the issuer's first label. */
const tenantName = () => new URL(config.ISSUER).hostname.split('.')[0] ?? 'tenant';

/** The refusals every script may answer; WrongUsernameOrPasswordError outside login is a failure. */
function settled(connection: ConnectionRecord, script: CustomDbScriptName, answer: ScriptAnswer): JsonValue {
  if (answer.outcome === 'done') return answer.value;
  const { error } = answer;
  if (error.name === 'ValidationError' && script !== 'login') throw new CustomDbScriptRefusedError(script, error.code ?? 'invalid', error.message);
  throw scriptFailure(connection, script, `the script called back with ${error.name}, which ${script} may not answer`);
}

/** login and get_user: a profile, or undefined when the script called back without one. */
function profileOf(connection: ConnectionRecord, script: 'login' | 'get_user', answer: ScriptAnswer): LegacyProfile | undefined {
  const value = settled(connection, script, answer);
  if (value === null || value === false) return undefined;
  const checked = checkProfile(connection, value);
  if ('problem' in checked) throw scriptFailure(connection, script, `bad profile: ${checked.problem}`);
  return checked.profile;
}

/** verify, change_password, change_email: `true` when done, `false` (or nothing) when the store did not. */
function yesOrNo(connection: ConnectionRecord, script: CustomDbScriptName, answer: ScriptAnswer): boolean {
  const value = settled(connection, script, answer);
  if (value === true) return true;
  if (value === false || value === null) return false;
  throw scriptFailure(connection, script, 'the script called back with a value other than true or false');
}
