import { createHash } from 'node:crypto';
import { config, type Config } from '#shared/platform/config';
import { TooManyRequestsError } from '#shared/platform/errors';
import type { HttpEvent } from '#shared/http/event';
import { requestKeys, type RequestKeys } from '#shared/http/rate-limit-keys';
import type { RouteDef } from '#shared/http/routes';
import { TokenBuckets, type BucketDecision, type BucketSpec } from '#shared/http/token-buckets';

/**
 * Per-IP and per-client rate limits, enforced by the handler wrapper (an inbound-adapter policy:
 * domain code never sees it). One set of token buckets per process: exact for `npm start`, which
 * serves every route from one process; in Lambda each warm container would count alone, so the
 * stack turns it off there and limits at the edge instead (docs/rate-limits.md).
 *
 * Two tiers: requests that check a password (password grants, sign-ups: argon2id each) take from
 * stricter buckets than everything else. A request takes from its IP's bucket before any work,
 * and from its client's bucket once the client is known: the client_id it names (token and
 * sign-up requests), or the verified token's client (Management API).
 */
export interface RateLimitPolicy {
  ip: BucketSpec;
  client: BucketSpec;
  passwordIp: BucketSpec;
  passwordClient: BucketSpec;
  maxKeys: number;
}

export function policyFrom(c: Config): RateLimitPolicy | undefined {
  if (c.RATE_LIMITS === 'off') return undefined;
  return {
    ip: { burst: c.RATE_LIMIT_IP_BURST, perSecond: c.RATE_LIMIT_IP_PER_SECOND },
    client: { burst: c.RATE_LIMIT_CLIENT_BURST, perSecond: c.RATE_LIMIT_CLIENT_PER_SECOND },
    passwordIp: { burst: c.RATE_LIMIT_PASSWORD_IP_BURST, perSecond: c.RATE_LIMIT_PASSWORD_IP_PER_SECOND },
    passwordClient: { burst: c.RATE_LIMIT_PASSWORD_CLIENT_BURST, perSecond: c.RATE_LIMIT_PASSWORD_CLIENT_PER_SECOND },
    maxKeys: c.RATE_LIMIT_MAX_KEYS,
  };
}

interface Limiter {
  policy: RateLimitPolicy;
  buckets: TokenBuckets;
}

/** null: not built yet (built from the configuration on first use); undefined: limits are off. */
let limiter: Limiter | undefined | null = null;

/**
 * Replaces this process's limits, with fresh buckets (tests set small limits this way; the
 * configuration is read once per process, before a test file can change the environment).
 */
export function useRateLimits(policy: RateLimitPolicy | undefined, now?: () => number): TokenBuckets | undefined {
  limiter = policy ? { policy, buckets: new TokenBuckets(policy.maxKeys, now) } : undefined;
  return limiter?.buckets;
}

/** The limits one request is held to; undefined when limits are off. */
export function limitsFor(route: RouteDef, event: HttpEvent): RequestLimits | undefined {
  if (limiter === null) useRateLimits(policyFrom(config));
  return limiter ? new RequestLimits(limiter, requestKeys(route, event)) : undefined;
}

export class RequestLimits {
  /** The decision the response reports: a refusal, else the bucket with the fewest tokens left. */
  private shown: BucketDecision | undefined;

  constructor(
    private readonly limiter: Limiter,
    private readonly keys: RequestKeys,
  ) {}

  /** Before any work: the IP's bucket, then the named client's if the request names one. */
  admitRequest(): void {
    const { policy } = this.limiter;
    this.take(`${this.tier}:ip:${this.keys.ip}`, this.keys.checksPassword ? policy.passwordIp : policy.ip);
    if (this.keys.clientId !== undefined) this.admitClient(this.keys.clientId);
  }

  /** The client's bucket (for Management API calls, once the token is verified). */
  admitClient(clientId: string): void {
    const { policy } = this.limiter;
    this.take(`${this.tier}:client:${boundedKey(clientId)}`, this.keys.checksPassword ? policy.passwordClient : policy.client);
  }

  /** Auth0's headers, on every answer the limits applied to; Retry-After on a refusal. */
  headers(): Record<string, string> {
    const d = this.shown;
    if (!d) return {};
    return {
      'x-ratelimit-limit': String(d.limit),
      'x-ratelimit-remaining': String(d.remaining),
      'x-ratelimit-reset': String(d.resetAt),
      ...(d.allowed ? {} : { 'retry-after': String(d.retryAfter) }),
    };
  }

  private get tier(): string {
    return this.keys.checksPassword ? 'password' : 'standard';
  }

  private take(key: string, spec: BucketSpec): void {
    const decision = this.limiter.buckets.take(key, spec);
    if (!this.shown || !decision.allowed || decision.remaining < this.shown.remaining) this.shown = decision;
    if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfter);
  }
}

/**
 * A client_id comes from the request body, so it can be up to a megabyte long: longer than any
 * real one (Auth0's are 32 characters), it is keyed by its digest, so the key cap bounds memory.
 */
function boundedKey(value: string): string {
  return value.length <= 64 ? value : `sha256:${createHash('sha256').update(value).digest('base64url')}`;
}
