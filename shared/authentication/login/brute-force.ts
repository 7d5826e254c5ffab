import {
  clearAttempts,
  readCounters,
  releaseAccount,
  reserveAccount,
  reserveIp,
  type AccountReservation,
  type CounterState,
  type CountersRef,
} from '#shared/db/login-counters-repo';
import { AccountThrottledError, IpBlockedError } from '#shared/authentication/errors';
import { log } from '#shared/platform/log';
import { configuredPolicy, type BruteForcePolicy } from '#shared/tenant/attack-protection';

/**
 * Brute-force protection for password logins, per identifier (connection + email or username as
 * typed), whether or not a user has it, so the answers and the requests never tell which:
 *
 * - Per IP, as on Auth0: after BLOCK_THRESHOLD (shared/tenant/attack-protection.ts) consecutive failures from one IP, that pair is
 *   refused until unblocked (user-blocks API), a password reset, or its counter expires
 *   (LOGIN_COUNTER_TTL_SECONDS after the pair's last attempt).
 * - Account-wide, whatever the IP: after LOGIN_BACKOFF_AFTER attempts without a correct password,
 *   one attempt per window, the window doubling from LOGIN_BACKOFF_BASE_SECONDS up to
 *   LOGIN_BACKOFF_MAX_SECONDS. Refused attempts are not counted, so waiting always works.
 *
 * Both are reserved by conditional writes before the password is checked, so attempts sent at
 * once cannot exceed either limit. A correct password clears the account count and its IP's.
 */
/** The wait after `attempts` attempts: none while free attempts remain, then doubling, capped. */
export function backoffDelayMs(attempts: number, policy: BruteForcePolicy): number {
  if (attempts < policy.freeAttempts) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempts - policy.freeAttempts, 40));
}

/** An attempt let through, and what its outcome must update. */
export interface Admission {
  ref: CountersRef;
  /** This IP has a counter (false past LOGIN_TRACKED_IPS distinct IPs: only the backoff applies). */
  ipCounted: boolean;
  ipCount: number;
  attempts: number;
  at: number;
  /** False on a connection with `brute_force_protection: false`: nothing was reserved, nothing to clear. */
  guarded?: false;
}

/** A connection without brute-force protection: an admission that counts nothing. */
export const unguarded = (ref: CountersRef): Admission => ({ ref, ipCounted: false, ipCount: 0, attempts: 0, at: Date.now(), guarded: false });

/**
 * Reserves one attempt, or throws 429 too_many_attempts. `seen` is the state the login read
 * (eventually consistent); a reservation that finds the items changed reads them strongly and
 * tries once more.
 */
export async function admitAttempt(ref: CountersRef, seen: CounterState, policy = configuredPolicy(), now = Date.now()): Promise<Admission> {
  let state = seen;
  for (let round = 0; ; round++) {
    refuseIfLimited(state, policy, now);
    const outcome = await reserve(ref, state, policy, now);
    if ('admitted' in outcome) return outcome.admitted;
    if (round === 1) throw outcome.refused === 'ip' ? new IpBlockedError() : new AccountThrottledError(policy.baseDelayMs);
    state = await readCounters(ref, now);
  }
}

function refuseIfLimited(state: CounterState, policy: BruteForcePolicy, now: number): void {
  if ((state.ipCount ?? 0) >= policy.ipLimit) throw new IpBlockedError();
  const account = state.account;
  if (!account) return;
  const wait = account.lastAt + backoffDelayMs(account.attempts, policy) - now;
  if (account.attempts >= policy.freeAttempts && wait > 0) throw new AccountThrottledError(wait);
}

type Outcome = { admitted: Admission } | { refused: 'account' | 'ip' };

async function reserve(ref: CountersRef, state: CounterState, policy: BruteForcePolicy, now: number): Promise<Outcome> {
  const { account } = state;
  // A new IP gets a counter while the identifier counts fewer than the cap.
  const countIp = state.ipCount === undefined && (account?.ips ?? 0) < policy.trackedIps;
  const ipCounted = state.ipCount !== undefined || countIp;
  const attempts = account?.attempts ?? 0;
  const shared = { countIp, cap: policy.trackedIps };
  const plan: AccountReservation = !account && state.accountExpired
    ? { kind: 'restart', ...shared }
    : attempts < policy.freeAttempts
      ? { kind: 'free', below: policy.freeAttempts, ...shared }
      : { kind: 'after-wait', seen: attempts, ...shared };
  if (!(await reserveAccount(ref, plan, now, policy.ttlSeconds))) return { refused: 'account' };
  const admitted = { ref, ipCounted, ipCount: 0, attempts: attempts + 1, at: now };
  if (!ipCounted) return { admitted };
  const ip = await reserveIp(ref, policy.ipLimit, state.ipExpired, now, policy.ttlSeconds);
  if (!ip.reserved) {
    await releaseAccount(ref, 1, countIp ? 1 : 0);
    return { refused: 'ip' };
  }
  // Another attempt from this IP created its counter first: count the IP once.
  if (countIp && ip.existed) await releaseAccount(ref, 0, 1);
  return { admitted: { ...admitted, ipCount: (state.ipCount ?? 0) + 1 } };
}

/** A wrong password: the reservation already counted it; say when a limit starts. */
export function noteFailure(admission: Admission, policy = configuredPolicy(), userId?: string): void {
  if (admission.guarded === false) return;
  const { ref } = admission;
  if (admission.ipCounted && admission.ipCount >= policy.ipLimit) {
    log.warn('login blocked after failed attempts', { connection: ref.connection, ip: ref.ip, ...(userId ? { user_id: userId } : {}) });
  }
  if (admission.attempts === policy.freeAttempts) {
    log.warn('account-wide login backoff started', { connection: ref.connection, ip: ref.ip, ...(userId ? { user_id: userId } : {}) });
  }
}

/** A correct password (whether or not the login then completes): its counters start again. */
export const clearAttempt = async (admission: Admission, policy = configuredPolicy()) =>
  admission.guarded === false ? undefined : clearAttempts(admission.ref, admission.ipCounted, Date.now(), policy.ttlSeconds);
