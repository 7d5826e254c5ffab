/**
 * Token buckets by key, in memory, with a hard cap on how many keys are tracked. A bucket holds
 * at most `burst` tokens and regains `perSecond` of them every second; a request takes one.
 * This is Auth0's own model (burst = bucket size, sustained rate = refill rate).
 *
 * Memory: one small object per key, at most `maxKeys` of them. When the cap is reached the
 * least recently used bucket is forgotten: it is the one most likely to have refilled already
 * (a full bucket and a missing one behave the same), so a flood of new keys costs a flooder
 * nothing it could gain from, while the map never grows past the cap.
 */
export interface BucketSpec {
  burst: number;
  perSecond: number;
}

export interface BucketDecision {
  allowed: boolean;
  /** The bucket size (X-RateLimit-Limit). */
  limit: number;
  /** Whole tokens left after this request (X-RateLimit-Remaining). */
  remaining: number;
  /** UNIX seconds at which the bucket is full again (X-RateLimit-Reset). */
  resetAt: number;
  /** Seconds until one token is back (Retry-After), at least 1; 0 when allowed. */
  retryAfter: number;
}

interface Bucket {
  tokens: number;
  /** Milliseconds (the clock's) when `tokens` was last brought up to date. */
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  take(key: string, spec: BucketSpec): BucketDecision {
    const now = this.now();
    const bucket = this.refreshed(key, spec, now);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const missing = spec.burst - bucket.tokens;
    return {
      allowed,
      limit: spec.burst,
      remaining: Math.floor(bucket.tokens),
      resetAt: Math.ceil((now + (missing / spec.perSecond) * 1000) / 1000),
      // Whole seconds, rounded up and never 0: the Auth0 SDK ignores a Retry-After of 0.
      retryAfter: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / spec.perSecond)),
    };
  }

  /** The key's bucket, refilled for the time since it was last seen, and marked most recently used. */
  private refreshed(key: string, spec: BucketSpec, now: number): Bucket {
    const found = this.buckets.get(key);
    if (found) {
      this.buckets.delete(key); // re-inserted below: a Map iterates in insertion order, so this is LRU
      const elapsed = Math.max(0, now - found.at) / 1000;
      found.tokens = Math.min(spec.burst, found.tokens + elapsed * spec.perSecond);
      found.at = now;
      this.buckets.set(key, found);
      return found;
    }
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    const bucket = { tokens: spec.burst, at: now };
    this.buckets.set(key, bucket);
    return bucket;
  }
}
