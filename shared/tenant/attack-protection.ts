import { config } from '#shared/platform/config';

/**
 * The tenant's brute-force protection settings (Auth0's attack protection): read by the login
 * code that enforces them (shared/authentication/login/brute-force.ts) and by the user-blocks API
 * that shows and lifts the blocks they cause.
 */

/** Consecutive failures from one IP after which that (identifier, IP) pair is blocked, as on Auth0. */
export const BLOCK_THRESHOLD = 10;

export interface BruteForcePolicy {
  ipLimit: number;
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  trackedIps: number;
  ttlSeconds: number;
}

export const configuredPolicy = (): BruteForcePolicy => ({
  ipLimit: BLOCK_THRESHOLD,
  freeAttempts: config.LOGIN_BACKOFF_AFTER,
  baseDelayMs: config.LOGIN_BACKOFF_BASE_SECONDS * 1000,
  maxDelayMs: config.LOGIN_BACKOFF_MAX_SECONDS * 1000,
  trackedIps: config.LOGIN_TRACKED_IPS,
  ttlSeconds: config.LOGIN_COUNTER_TTL_SECONDS,
});
