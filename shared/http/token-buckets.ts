/**
 * Token buckets by key, in memory, with a hard cap on how many keys are tracked. A bucket holds
 * at most `burst` tokens and regains `perSecond` of them every second; a request takes one.
 * This is Auth0's own model (burst = bucket size, sustained rate = refill rate).
 *
 * Memory: one small object per key, at most `maxKeys` of them, in two generations of half the
 * cap each. A key used again moves to the current generation; when that is full, the previous
 * one is dropped whole. So the buckets forgotten are those not used for the longest (the ones
 * most likely refilled already: a full bucket and a missing one behave the same), at O(1) per
 * request. (A Map kept in LRU order by delete and re-insert measured ~68 µs per request once
 * every request evicted: V8 walks the deleted slots at the front of the table each time.)
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
  private current = new Map<string, Bucket>();
  private previous = new Map<string, Bucket>();
  private readonly generationSize: number;

  constructor(
    readonly maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {
    this.generationSize = Math.max(1, Math.floor(maxKeys / 2));
  }

  get size(): number {
    return this.current.size + this.previous.size;
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

  /** The key's bucket, refilled for the time since it was last seen, in the current generation. */
  private refreshed(key: string, spec: BucketSpec, now: number): Bucket {
    const found = this.current.get(key);
    if (found) return refill(found, spec, now);
    const old = this.previous.get(key);
    if (old) this.previous.delete(key);
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    const bucket = old ? refill(old, spec, now) : { tokens: spec.burst, at: now };
    this.current.set(key, bucket);
    return bucket;
  }
}

function refill(bucket: Bucket, spec: BucketSpec, now: number): Bucket {
  const elapsed = Math.max(0, now - bucket.at) / 1000;
  bucket.tokens = Math.min(spec.burst, bucket.tokens + elapsed * spec.perSecond);
  bucket.at = now;
  return bucket;
}
