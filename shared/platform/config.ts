// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
// A leaf module (node:net only): the runner Lambda parses the same list without this file.
import { AllowHostsError, parseAllowHosts } from '#shared/platform/net/allow-hosts';

/**
 * Configuration, read and validated once per cold start. A missing or malformed variable fails
 * the import (so the Lambda fails to initialise) instead of failing a request later.
 */
const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
/** A rate per second; fractions allowed (0.1 is one every ten seconds). */
const rate = (fallback: number) => z.coerce.number().min(0.001).max(1_000_000).default(fallback);

const ConfigSchema = z
  .object({
    TABLE_NAME: z.string().min(3),
    ISSUER: z
      .url()
      .refine((u) => u.endsWith('/'), 'must end with "/"'),
    DYNAMODB_ENDPOINT: z.url().optional(),
    /**
     * Top-level keys allowed in one metadata object (user_metadata or app_metadata). 50 is also
     * the ceiling: a PATCH of every key of both objects must fit DynamoDB's 4 KB expressions.
     */
    METADATA_MAX_KEYS: int(50, 1, 50),
    /** Bytes of one top-level metadata value, serialised as JSON (UTF-8). */
    METADATA_MAX_VALUE_BYTES: int(2048, 16, 64 * 1024),
    /** Nesting depth of a metadata value; a top-level value is depth 1. */
    METADATA_MAX_DEPTH: int(10, 1, 30),
    /**
     * Items a list or search may examine by Scan, and users it may fetch to check or sort index
     * results, before it gives up: a cap on the cost and latency one request can cause.
     */
    LIST_SCAN_BUDGET: int(10_000, 100, 1_000_000),
    /**
     * Index entries a search may read before it gives up with a 400 (each is ~100 bytes: about 40
     * per read unit). Users it may fetch to check or sort results are capped by LIST_SCAN_BUDGET.
     */
    SEARCH_INDEX_BUDGET: int(100_000, 100, 10_000_000),
    /** Partitions per declared index (write spread for values many users share). */
    SEARCH_INDEX_SHARDS: int(8, 1, 64),
    /**
     * How long a warm Lambda keeps the index declarations. A new index is built (and searched)
     * only after this time, when every writer knows it.
     */
    SEARCH_INDEX_CACHE_MS: int(10_000, 0, 600_000),
    /** The jobs Lambda's name (AWS); unset, jobs run in-process (local). */
    JOBS_FUNCTION_NAME: z.string().min(1).optional(),
    /**
     * The longest a warm Lambda keeps rules, rules-configs and actions. Each login also reads the
     * extensions generation and reloads them when a change bumped it (docs/extensions-freshness.md);
     * this ceiling bounds what that check can miss. 0: no cache, every login reads them all.
     */
    EXTENSIONS_CACHE_MS: int(10_000, 0, 3_600_000),
    /**
     * How each login reads the generation: 'eventual' (0.5 read units; a change shows once the
     * replica read has it, usually within a second) or 'consistent' (1 unit; the very next login).
     * `npm start` sets 'consistent'.
     */
    EXTENSIONS_CHECK_READ: z.enum(['eventual', 'consistent']).default('eventual'),
    /** Time budget for all rules and actions of one login (Auth0's: 20 s; the login function stops at 29 s). */
    EXTENSIONS_BUDGET_MS: int(20_000, 100, 25_000),
    /** Memory cap of the rules sandbox, in MiB. */
    EXTENSIONS_MEMORY_MB: int(32, 4, 512),
    /**
     * In-process only (`npm start`): worker threads that run logins' rules and actions, one login
     * each (docs/sandbox-workers.md). 4 on 2 cores: two spinning logins still leave two for others.
     */
    EXTENSIONS_WORKERS: int(4, 1, 64),
    /** In-process only: logins that may wait for a busy worker (their wait counts against their budget). */
    EXTENSIONS_QUEUE_LIMIT: int(100, 1, 10_000),
    /**
     * Hosts a rule's fetch may reach beyond global unicast addresses (legacy stores in private
     * networks): comma-separated `host[:port]`, IP or CIDR (docs/sandbox-isolation-and-network.md).
     * A malformed entry, or one covering a cloud metadata address, fails the cold start. In AWS the
     * rules-runner Lambda reads the same variable from its own environment.
     */
    EXTENSIONS_ALLOW_HOSTS: z
      .string()
      .optional()
      .superRefine((text, ctx) => {
        try {
          parseAllowHosts(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof AllowHostsError ? error.message : 'invalid' });
        }
      }),
    /** The rules-runner Lambda's name (AWS); unset, rules run in-process (local). */
    RULES_RUNNER_FUNCTION_NAME: z.string().min(1).optional(),
    /** Lifetime of every access token the token endpoint issues (Auth0's default: 24 h). */
    ACCESS_TOKEN_TTL_SECONDS: int(86_400, 60, 30 * 86_400),
    /**
     * Brute-force protection (docs/brute-force.md). Failed password logins an identifier may take,
     * across all IPs, before each further attempt waits an exponentially growing delay: more than
     * the per-IP block (10), so one mistyping user or one attacking IP never throttles the account.
     */
    LOGIN_BACKOFF_AFTER: int(20, 10, 1_000),
    /** The first account-wide delay; each further attempt doubles it, up to LOGIN_BACKOFF_MAX_SECONDS. */
    LOGIN_BACKOFF_BASE_SECONDS: int(1, 1, 3_600),
    /** The longest delay: past it, an identifier under attack admits one guess per this many seconds. */
    LOGIN_BACKOFF_MAX_SECONDS: int(300, 1, 86_400),
    /** Distinct IPs with a counter per identifier; attempts from further IPs meet only the account-wide backoff. */
    LOGIN_TRACKED_IPS: int(100, 10, 1_000),
    /** How long brute-force counters (and so a per-IP block) live after the identifier's last attempt. */
    LOGIN_COUNTER_TTL_SECONDS: int(30 * 86_400, 3_600, 365 * 86_400),
    /**
     * The KMS signing key (AWS; docs/signing-keys.md). Set by CDK on the token-issuing functions
     * only, which then sign with kms:Sign; `npm run seed` needs it to register the key's public
     * half. Unset, the private key in the table signs (local), which Lambda refuses.
     */
    SIGNING_KEY_KMS_ID: z
      .string()
      .regex(/^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[\w/-]+)$/,
        'must be a KMS key ARN, key id or alias (the SigningKeyId stack output)')
      .optional(),
    /**
     * Signing key rotation in KMS (AWS; docs/signing-keys.md): the value of the tag
     * `identity-service:signing-key` that new keys carry and the stack's IAM conditions name (the
     * stack's name). Set by CDK on the rotate and revoke functions only; unset, rotation makes
     * table keys (local), which Lambda refuses.
     */
    SIGNING_KEY_KMS_TAG: z.string().regex(/^[\w.:/=+@ -]{1,256}$/, 'must be a KMS tag value (the stack name)').optional(),
    /**
     * In-process rate limits (token buckets per IP and per client, docs/rate-limits.md). The stack
     * sets 'off' in Lambda, where each warm container would count alone; the edge limits there.
     */
    RATE_LIMITS: z.enum(['on', 'off']).default('on'),
    /**
     * Bucket sizes (burst) and refill rates (per second). The defaults stay out of the way of
     * development, the test suite and the benchmark; lower them on an exposed server.
     */
    RATE_LIMIT_IP_BURST: int(10_000, 1, 10_000_000),
    RATE_LIMIT_IP_PER_SECOND: rate(5_000),
    RATE_LIMIT_CLIENT_BURST: int(10_000, 1, 10_000_000),
    RATE_LIMIT_CLIENT_PER_SECOND: rate(5_000),
    /** Password grants and sign-ups (argon2id each): stricter buckets of their own. */
    RATE_LIMIT_PASSWORD_IP_BURST: int(1_000, 1, 10_000_000),
    RATE_LIMIT_PASSWORD_IP_PER_SECOND: rate(100),
    RATE_LIMIT_PASSWORD_CLIENT_BURST: int(2_000, 1, 10_000_000),
    RATE_LIMIT_PASSWORD_CLIENT_PER_SECOND: rate(200),
    /** Buckets kept in memory (~200 bytes each); past it, those unused the longest are forgotten. */
    RATE_LIMIT_MAX_KEYS: int(50_000, 100, 5_000_000),
    /**
     * Set by CDK with the `edge` option only: the secret CloudFront adds to every origin request.
     * Requests without it are refused (they went around the WAF), and the caller's address is
     * read from CloudFront-Viewer-Address. Unset (local, or no edge), neither happens.
     */
    EDGE_ORIGIN_SECRET: z.string().min(32).optional(),
  })
  .superRefine((c, ctx) => {
    // Two metadata objects at their worst must keep a user item far below DynamoDB's 400 KB.
    const worst = 2 * c.METADATA_MAX_KEYS * c.METADATA_MAX_VALUE_BYTES;
    if (worst > MAX_METADATA_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['METADATA_MAX_KEYS'],
        message: `2 x METADATA_MAX_KEYS x METADATA_MAX_VALUE_BYTES is ${worst} bytes; keep it at most ${MAX_METADATA_BYTES} so a user item stays below DynamoDB's 400 KB`,
      });
    }
  });

/** Metadata budget per user (both objects together): 300 KB leaves room for the root profile. */
export const MAX_METADATA_BYTES = 300 * 1024;

export type Config = z.infer<typeof ConfigSchema>;

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

export const config: Config = readConfig(process.env);

/** The Management API's audience, as Auth0 names it. */
export const managementAudience = `${config.ISSUER}api/v2/`;
