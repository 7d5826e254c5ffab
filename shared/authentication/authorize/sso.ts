import type { ConnectionRecord } from '#shared/db/connections-repo';
import {
  deleteSsoSession,
  findSessionWithUser,
  putSsoSession,
  touchSsoSession,
  type SsoSessionRecord,
} from '#shared/db/browser-sessions-repo';
import type { UserPartition } from '#shared/db/logins-repo';
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
  if (!session || !partition || session.user_id !== cookie.userId) return undefined;
  const now = nowSeconds();
  if (session.expires_at <= now || session.idle_expires_at <= now) return undefined;
  if (session.user_created_at !== partition.user.created_at) return undefined;
  return { userId: cookie.userId, secretHash, session, partition };
}

/** A new session for a user who just authenticated; returns its Set-Cookie value. */
export async function startSession(user: UserRecord, connection: ConnectionRecord, authTime: number): Promise<string> {
  const settings = await loadTenantSettings();
  const lifetime = Math.round(sessionLifetimeHours(settings) * 3600);
  const idle = Math.round(idleSessionLifetimeHours(settings) * 3600);
  const secret = newSecret();
  const now = nowSeconds();
  await putSsoSession(digest(secret), {
    user_id: user.user_id,
    user_created_at: user.created_at,
    connection: connection.name,
    auth_time: authTime,
    created_at: new Date(now * 1000).toISOString(),
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
export async function endSession(cookies: Record<string, string>): Promise<{ userId?: string; clearCookie: string }> {
  const cookie = parseSessionCookie(cookies[SESSION_COOKIE]);
  if (cookie) await deleteSsoSession(cookie.userId, digest(cookie.secret));
  return { ...(cookie ? { userId: cookie.userId } : {}), clearCookie: clearSessionCookie() };
}
