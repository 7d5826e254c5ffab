import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '#shared/http/token-buckets';

/** A clock the test moves by hand, so every figure below is exact. */
function clock(startMs = 1_700_000_000_000) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const SPEC = { burst: 3, perSecond: 0.5 };

describe('TokenBuckets', () => {
  it('allows a burst, then refuses with the seconds until the next token and the time the bucket is full again', () => {
    const c = clock();
    const buckets = new TokenBuckets(100, c.now);
    const t0 = c.now() / 1000;
    expect(buckets.take('a', SPEC)).toEqual({ allowed: true, limit: 3, remaining: 2, resetAt: t0 + 2, retryAfter: 0 });
    expect(buckets.take('a', SPEC)).toEqual({ allowed: true, limit: 3, remaining: 1, resetAt: t0 + 4, retryAfter: 0 });
    expect(buckets.take('a', SPEC)).toEqual({ allowed: true, limit: 3, remaining: 0, resetAt: t0 + 6, retryAfter: 0 });
    // Empty: one token comes back every 2 s, the whole bucket in 6 s.
    expect(buckets.take('a', SPEC)).toEqual({ allowed: false, limit: 3, remaining: 0, resetAt: t0 + 6, retryAfter: 2 });
    c.advance(1_000);
    expect(buckets.take('a', SPEC)).toEqual({ allowed: false, limit: 3, remaining: 0, resetAt: t0 + 6, retryAfter: 1 });
    c.advance(1_000);
    expect(buckets.take('a', SPEC)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('never answers a Retry-After of 0 (the Auth0 SDK would ignore it) and rounds the reset up', () => {
    const c = clock();
    const buckets = new TokenBuckets(100, c.now);
    const fast = { burst: 1, perSecond: 1000 };
    expect(buckets.take('a', fast).allowed).toBe(true);
    const refused = buckets.take('a', fast);
    expect(refused).toMatchObject({ allowed: false, retryAfter: 1 });
    expect(refused.resetAt).toBe(Math.ceil((c.now() + 1) / 1000));
  });

  it('keeps keys apart and refills no further than the burst', () => {
    const c = clock();
    const buckets = new TokenBuckets(100, c.now);
    for (let i = 0; i < 3; i++) buckets.take('a', SPEC);
    expect(buckets.take('b', SPEC)).toMatchObject({ allowed: true, remaining: 2 });
    c.advance(3_600_000);
    expect(buckets.take('a', SPEC)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('tracks at most maxKeys buckets however many keys arrive, forgetting those unused the longest', () => {
    const c = clock();
    const buckets = new TokenBuckets(1_000, c.now);
    for (let i = 0; i < 3; i++) buckets.take('victim', SPEC);
    let largest = 0;
    for (let i = 0; i < 200_000; i++) {
      buckets.take(`flood-${i}`, SPEC);
      // The victim keeps being used, so the flood never pushes it out.
      if (i % 200 === 0) buckets.take('victim', SPEC);
      largest = Math.max(largest, buckets.size);
    }
    expect(largest).toBeLessThanOrEqual(1_000);
    expect(buckets.size).toBeGreaterThan(500);
    expect(buckets.take('victim', SPEC).allowed).toBe(false);
    // A key of the flood's first half is long forgotten: it starts again with a full bucket.
    expect(buckets.take('flood-1', SPEC)).toMatchObject({ allowed: true, remaining: 2 });
  });
});
