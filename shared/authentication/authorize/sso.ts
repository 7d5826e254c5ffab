import type { ConnectionRecord } from '#shared/db/connections-repo';
import {
  deleteSsoSession,
  deleteSsoSessionItems,
  findSessionWithUser,
  putSsoSession,
  touchSsoSession,
  type SsoSessionRecord,
} from '#shared/db/browser-sessions-repo';
import type { UserPartition } from '#shared/db/logins-repo';
import { ssoSessionKey } from '#shared/db/keys';
import { idleSessionLifetimeHours, loadTenantSettings, persistentSessionCookie, sessionLifetimeHours } from '#shared/tenant/settings';
import type { UserRecord } from '#shared/management/users/model';
import { clearSessionCookie, digest, formatSessionCookie, newSecret, parseSessionCookie, SESSION_COOKIE } from '#shared/authentication/authorize/cookies';

/**
 * The browser's SSO session: what lets a second /authorize (another application, a silent
 * renewal) skip the login form. It lives `session_lifetime` hours at most and ends after
 * `idle_session_lifetime` hours unused (the tenant's settings; Auth0's defaults 168 and 72).
 */
export interface CurrentSession {
  userId: string;
  secretHash: string;
  session: SsoSessionRecord;
  partition: UserPartition;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The session the request's cookie names, with its user, in one eventually consistent Query; a
 * cookie whose session is not (yet) seen is read again strongly before it counts as none (a
 * session written a moment ago by the login form).
 */
export async function currentSession(cookies: Record<string, string>): Promise<CurrentSession | undefined> {
  const cookie = parseSessionCookie(cookies[SESSION_COOKIE]);
  if (!cookie) return undefined;
  const secretHash = digest(cookie.secret);
  let found = await findSessionWithUser(cookie.userId, secretHash, false);
  if (!found.session || !found.partition) found = await findSessionWithUser(cookie.userId, secretHash, true);
  const { session, partition } = found;
  if (!session || !partition) return undefined;
  const now = nowSeconds();
  if (session.expires_at <= now || session.idle_expires_at <= now) return undefined;
  if (session.user_created_at !== partition.user.created_at) return undefined;
  return { userId: cookie.userId, secretHash, session, partition };
}

/**
 * A user keeps at most this many SSO sessions (browsers): they live in the user's partition, so
 * every read of the user reads them too, and this keeps that read within one 4 KB unit for a
 * typical profile (a session item is ~200 bytes). A login beyond it ends the oldest one; that
 * browser logs in again at its next /authorize.
 */
export const MAX_SSO_SESSIONS_PER_USER = 5;

/**
 * A new session for a user who just authenticated; returns its Set-Cookie value. `existing` are
 * the user's sessions as the login's read of the partition saw them (oldest beyond the cap end).
 */
export async function startSession(
  user: UserRecord,
  connection: ConnectionRecord,
  authTime: number,
  existing: UserPartition['ssoSessions'] = [],
): Promise<string> {
  const evicted = [...existing]
    .sort((a, b) => a.auth_time - b.auth_time)
    .slice(0, Math.max(0, existing.length - (MAX_SSO_SESSIONS_PER_USER - 1)))
    .map((s) => s.sk);
  if (evicted.length > 0) await deleteSsoSessionItems(user.user_id, evicted);
  const settings = await loadTenantSettings();
  const lifetime = Math.round(sessionLifetimeHours(settings) * 3600);
  const idle = Math.round(idleSessionLifetimeHours(settings) * 3600);
  const secret = newSecret();
  const now = nowSeconds();
  await putSsoSession(user.user_id, digest(secret), {
    user_created_at: user.created_at,
    connection: connection.name,
    auth_time: authTime,
    expires_at: now + lifetime,
    idle_expires_at: now + Math.min(idle, lifetime),
    ttl: now + lifetime,
  });
  return formatSessionCookie({ userId: user.user_id, secret }, persistentSessionCookie(settings) ? lifetime : undefined);
}

/**
 * Use moves the idle end on. To keep silent renewals to one write (the code), the session item is
 * rewritten only when its idle end has drifted behind by more than an hour, or a tenth of the idle
 * lifetime when that is shorter (else, with a one-hour idle lifetime, a session used every 40
 * minutes is never rewritten and ends an hour after the login).
 */
export async function noteSessionUse(current: CurrentSession): Promise<void> {
  const settings = await loadTenantSettings();
  const idle = Math.round(idleSessionLifetimeHours(settings) * 3600);
  const next = Math.min(nowSeconds() + idle, current.session.expires_at);
  if (next - current.session.idle_expires_at > Math.min(3600, idle / 10)) await touchSsoSession(current.userId, current.secretHash, next);
}

/** Ends the session the cookie names (if any); returns the Set-Cookie value that clears it. */
export async function endSession(cookies: Record<string, string>): Promise<{ userId?: string; endedSk?: string; clearCookie: string }> {
  const cookie = parseSessionCookie(cookies[SESSION_COOKIE]);
  if (!cookie) return { clearCookie: clearSessionCookie() };
  const secretHash = digest(cookie.secret);
  await deleteSsoSession(cookie.userId, secretHash);
  return { userId: cookie.userId, endedSk: ssoSessionKey(cookie.userId, secretHash).sk, clearCookie: clearSessionCookie() };
}

/**
 * A browser's new session replaces the one it held: that one ends, and the user's other sessions
 * (as the login's read saw them) count toward the cap.
 */
export async function replaceSession(
  cookies: Record<string, string>,
  partition: UserPartition,
  connection: ConnectionRecord,
  authTime: number,
): Promise<string> {
  const { userId, endedSk } = await endSession(cookies);
  const others = (partition.ssoSessions ?? []).filter((s) => !(userId === partition.user.user_id && s.sk === endedSk));
  return startSession(partition.user, connection, authTime, others);
}
