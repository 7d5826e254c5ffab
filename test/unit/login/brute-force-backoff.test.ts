import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '#shared/authentication/login/brute-force';
import type { BruteForcePolicy } from '#shared/tenant/attack-protection';

const policy: BruteForcePolicy = { ipLimit: 10, freeAttempts: 20, baseDelayMs: 1_000, maxDelayMs: 300_000, trackedIps: 100, ttlSeconds: 86_400 };

describe('account-wide backoff', () => {
  it('waits nothing while free attempts remain, then doubles from the base delay', () => {
    expect([0, 19].map((n) => backoffDelayMs(n, policy))).toEqual([0, 0]);
    expect([20, 21, 22, 27].map((n) => backoffDelayMs(n, policy))).toEqual([1_000, 2_000, 4_000, 128_000]);
  });

  it('never waits longer than the cap, however many attempts (no overflow to Infinity or NaN)', () => {
    expect(backoffDelayMs(29, policy)).toBe(300_000);
    expect(backoffDelayMs(1_000_000, policy)).toBe(300_000);
  });
});
