import type { ExtensionsRunner, LoginExtensionInput, LoginExtensionOutput, RuleScript } from '#shared/sandbox/contract';
import type { db } from '#shared/db/client';
import { summarise, type LatencySummary } from '#test/bench/stats';

/**
 * What the logins section needs besides HTTP: the three small rules, a direct measurement of the
 * rules sandbox and of argon2id, stopwatches inside the service, and the cost of keeping rules fresh.
 */

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
export const LOGIN_SCOPE = 'openid profile email offline_access';
export const COLOR_CLAIM = 'https://bench.example/color';
export const PLAN_CLAIM = 'https://bench.example/plan';

/** Three small rules, as a tenant migrating from Auth0 typically has them. */
export const BENCH_RULES: { name: string; script: string }[] = [
  {
    name: 'bench-color-claim',
    script: `function (user, context, callback) {
  context.idToken['${COLOR_CLAIM}'] = user.user_metadata.color;
  callback(null, user, context);
}`,
  },
  {
    name: 'bench-deny-flagged',
    script: `function (user, context, callback) {
  if (user.app_metadata && user.app_metadata.blocked_by_bench) {
    return callback(new UnauthorizedError('blocked by the benchmark'));
  }
  callback(null, user, context);
}`,
  },
  {
    name: 'bench-plan-claim',
    script: `function (user, context, callback) {
  context.accessToken['${PLAN_CLAIM}'] = (user.app_metadata || {}).plan || 'free';
  callback(null, user, context);
}`,
  },
];

/** The payload of a JWT, unverified (the benchmark only looks for the rules' claims). */
export function jwtClaims(token: unknown): Record<string, unknown> {
  if (typeof token !== 'string') return {};
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** One login's runner input as the token endpoint builds it (shared/authentication/login/extension-input.ts), for a typical user. */
export function sandboxInput(rules: RuleScript[], limits: LoginExtensionInput['limits'], i: number): LoginExtensionInput {
  return {
    rules,
    actions: [],
    configuration: {},
    user: {
      user_id: 'auth0|6751f0c2a3b4c5d6e7f80912',
      email: 'bench-sandbox@example.com',
      email_verified: false,
      name: 'bench-sandbox@example.com',
      nickname: 'bench-sandbox',
      given_name: 'Bench',
      family_name: 'User',
      picture: 'https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fbe.png',
      identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: '6751f0c2a3b4c5d6e7f80912', isSocial: false }],
      created_at: '2026-11-25T00:00:00.000Z',
      updated_at: '2026-11-25T00:00:00.000Z',
      logins_count: i + 1,
      user_metadata: {
        color: 'teal',
        theme: 'dark',
        locale: 'en-GB',
        timezone: 'Europe/London',
        newsletter: true,
        favourite_colours: ['teal', 'orange'],
      },
      app_metadata: { plan: 'enterprise', roles: ['admin', 'billing'], tenant_id: 'tnt_0123456789abcdef' },
    },
    context: {
      tenant: 'localhost',
      clientID: 'bench-client',
      clientName: 'Default App',
      clientMetadata: {},
      connection: 'Username-Password-Authentication',
      connectionID: 'con_bench',
      connectionStrategy: 'auth0',
      protocol: 'oauth2-resource-owner',
      request: {
        ip: '127.0.0.1',
        hostname: 'localhost',
        query: {},
        body: { grant_type: PASSWORD_REALM_GRANT, realm: 'Username-Password-Authentication', scope: LOGIN_SCOPE },
      },
      stats: { loginsCount: i + 1 },
      sessionID: `bench-session-${i}`,
      authentication: { methods: [{ name: 'pwd', timestamp: Date.now() }] },
      scope: LOGIN_SCOPE.split(' '),
    },
    domain: 'localhost',
    limits,
  };
}

export interface SandboxResult {
  rules: number;
  runs: number;
  errors: number;
  firstError?: string;
  /** The very first run() of this process (its first QuickJS runtime: V8 compiles the wasm's functions lazily). */
  firstRunMs?: number;
  ms: LatencySummary;
  /** CPU time of this process per run() (nothing else runs meanwhile): less sensitive to other load on the machine. */
  cpuMsPerRun: number;
}

/**
 * `extensionsRunner().run(input)` back to back (c=1) with nothing else running, as the token
 * endpoint calls it; `check` says whether an output is the expected one.
 */
export async function benchSandbox(
  runner: ExtensionsRunner,
  rules: RuleScript[],
  limits: LoginExtensionInput['limits'],
  warmup: number,
  runs: number,
  check: (output: LoginExtensionOutput) => string | undefined,
  first = false,
): Promise<SandboxResult> {
  let errors = 0;
  let firstError: string | undefined;
  let firstRunMs: number | undefined;
  const once = async (i: number) => {
    const started = performance.now();
    const output = await runner.run(sandboxInput(rules, limits, i));
    const ms = performance.now() - started;
    const problem = check(output);
    if (problem) {
      errors += 1;
      firstError ??= problem;
    }
    return ms;
  };
  for (let i = 0; i < warmup; i++) {
    const ms = await once(i);
    if (first && i === 0) firstRunMs = Math.round(ms * 100) / 100;
  }
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) times.push(await once(warmup + i));
  const used = process.cpuUsage(cpu);
  return {
    rules: rules.length,
    runs,
    errors,
    ...(firstError ? { firstError } : {}),
    ...(firstRunMs !== undefined ? { firstRunMs } : {}),
    ms: summarise(times),
    cpuMsPerRun: Math.round(((used.user + used.system) / 1000 / runs) * 100) / 100,
  };
}

export interface Argon2Result {
  /** One verification at a time. */
  sequential: LatencySummary;
  sequentialPerSec: number;
  /** `concurrency` verifications at a time (the libuv thread pool runs them in parallel). */
  concurrency: number;
  concurrentPerSec: number;
  /** CPU time of this process per verification, in the concurrent run. */
  cpuMsPerVerify: number;
}

/** argon2id verification alone, with the service's parameters (shared/tenant/passwords/hash.ts). */
export async function benchArgon2(
  hash: (password: string) => Promise<string>,
  verify: (phc: string, password: string) => Promise<boolean>,
  runs: number,
  concurrency: number,
): Promise<Argon2Result> {
  const password = 'Bench-Passw0rd!';
  const phc = await hash(password);
  for (let i = 0; i < 3; i++) await verify(phc, password);
  const times: number[] = [];
  let started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    if (!(await verify(phc, password))) throw new Error('argon2 verification failed');
    times.push(performance.now() - t);
  }
  const sequentialMs = performance.now() - started;
  const concurrentRuns = runs * concurrency;
  let next = 0;
  const cpu = process.cpuUsage();
  started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < concurrentRuns) await verify(phc, password);
    }),
  );
  const concurrentMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    sequential: summarise(times),
    sequentialPerSec: Math.round((runs / sequentialMs) * 10_000) / 10,
    concurrency,
    concurrentPerSec: Math.round((concurrentRuns / concurrentMs) * 10_000) / 10,
    cpuMsPerVerify: Math.round(((used.user + used.system) / 1000 / concurrentRuns) * 100) / 100,
  };
}

/**
 * Time spent in one kind of work while a run is measured: the sum of the calls' durations and
 * the wall time during which at least one was in flight (concurrent calls overlap).
 */
export class Stopwatch {
  private inFlight = 0;
  private busySince = 0;
  wallMs = 0;
  totalMs = 0;
  calls = 0;
  /** Each call's duration, when `keepSamples`. */
  samples: number[] = [];

  constructor(private readonly keepSamples = false) {}

  reset(): void {
    this.wallMs = 0;
    this.totalMs = 0;
    this.calls = 0;
    this.samples = [];
  }

  async time<T>(task: () => Promise<T>): Promise<T> {
    const started = performance.now();
    if (this.inFlight++ === 0) this.busySince = started;
    try {
      return await task();
    } finally {
      const ended = performance.now();
      this.totalMs += ended - started;
      this.calls += 1;
      if (this.keepSamples) this.samples.push(ended - started);
      if (--this.inFlight === 0) this.wallMs += ended - this.busySince;
    }
  }
}

/** Times every DynamoDB command the service sends (marshalling, HTTP to DynamoDB Local, unmarshalling). */
export function timeDynamoDb(client: Pick<typeof db, 'middlewareStack'>, stopwatch: Stopwatch): void {
  client.middlewareStack.add((next) => (args) => stopwatch.time(() => next(args)), { step: 'initialize', name: 'benchDynamoDbTime' });
}

/** Times every call of the runner the token endpoint uses (the in-process runner is a plain object). */
export function timeRunner(runner: ExtensionsRunner, stopwatch: Stopwatch): () => void {
  const original = runner.run;
  runner.run = (input) => stopwatch.time(() => original(input));
  return () => {
    runner.run = original;
  };
}

/** What keeping a warm function's rules fresh costs its logins (docs/extensions-freshness.md), from DynamoDB's consumed capacity. */
export interface FreshnessResult {
  /** loadLoginExtensions calls with nothing changed: each reads the generation item only. */
  unchanged: { logins: number; requestsPerLogin: number; readUnitsPerLogin: number; commands: string[] };
  /** The first call after a change: the generation read and the reload of the partition. */
  afterChange: { requests: number; readUnits: number; commands: string[] };
}

interface Metered {
  metrics: { requests: number; readUnits: number; commands: string[] };
}

/**
 * loadLoginExtensions as the token endpoint calls it, `runs` times with nothing changed, then
 * once after `change` (a Management API write). Metered one call at a time with withDbMetrics.
 */
export async function benchFreshness(
  load: () => Promise<unknown>,
  metered: (fn: () => Promise<unknown>) => Promise<Metered>,
  runs: number,
  change: () => Promise<void>,
): Promise<FreshnessResult> {
  await load();
  let requests = 0;
  let readUnits = 0;
  const commands = new Set<string>();
  for (let i = 0; i < runs; i++) {
    const { metrics } = await metered(load);
    requests += metrics.requests;
    readUnits += metrics.readUnits;
    commands.add(metrics.commands.join('+'));
  }
  await change();
  const { metrics } = await metered(load);
  return {
    unchanged: {
      logins: runs,
      requestsPerLogin: Math.round((requests / runs) * 1000) / 1000,
      readUnitsPerLogin: Math.round((readUnits / runs) * 1000) / 1000,
      commands: [...commands],
    },
    afterChange: { requests: metrics.requests, readUnits: metrics.readUnits, commands: metrics.commands },
  };
}
