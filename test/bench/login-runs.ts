import { loadavg } from 'node:os';
import type { LoginExtensionOutput } from '#shared/sandbox/contract';
import type { ServiceContext } from '#test/bench/context';
import type { BenchRequest, BenchResponse } from '#test/bench/http';
import {
  BENCH_RULES,
  benchArgon2,
  benchFreshness,
  benchSandbox,
  COLOR_CLAIM,
  jwtClaims,
  LOGIN_SCOPE,
  PASSWORD_REALM_GRANT,
  PLAN_CLAIM,
  Stopwatch,
  timeDynamoDb,
  timeRunner,
  type Argon2Result,
  type FreshnessResult,
  type SandboxResult,
} from '#test/bench/login-probes';
import { fail, type OpResult, type OpSpec } from '#test/bench/measure';
import { percentile, round, summarise, type LatencySummary } from '#test/bench/stats';
import { createBodyFor, userPath } from '#test/bench/users-data';

/**
 * The logins section's measurements (issue 3): password-realm and refresh_token grants at
 * several concurrencies with 0 and then 3 small rules, timed inside the service (DynamoDB, the
 * sandbox); the sandbox, argon2id and RS256 signing alone; what keeping rules fresh costs.
 * Service modules are imported here, after the context has set the environment.
 */
export const LOGIN_USERS = 8;
const LOGIN_PASSWORD = 'Bench-Passw0rd!';
const LOGIN_WARMUP = 5;
const LOGIN_CONCURRENCIES = [1, 2, 4] as const;
const LOGIN_ITERATIONS: Record<(typeof LOGIN_CONCURRENCIES)[number], number> = { 1: 120, 2: 160, 4: 200 };
const LOGIN_PREWARM = 24;
const REFRESH_WARMUP = 20;
const REFRESH_RUNS: { concurrency: number; count: number }[] = [
  { concurrency: 1, count: 400 },
  { concurrency: 4, count: 800 },
];
const SANDBOX_WARMUP = 20;
const SANDBOX_RUNS = 400;
const ARGON2_RUNS = 50;
const SIGN_RUNS = 110;
/** loadLoginExtensions calls metered one by one to price the freshness check (docs/extensions-freshness.md). */
const FRESHNESS_RUNS = 200;

export type LoginGrant = 'password-realm' | 'refresh_token';

export interface LoginRun extends OpResult {
  grant: LoginGrant;
  rules: number;
  /** Means per measured login, timed inside the service (an SDK middleware and a wrapper around the runner). */
  inside: {
    /** Wall time with at least one DynamoDB command in flight (parallel commands overlap). */
    dynamoDbWallMs: number;
    /** Sum of the commands' durations. */
    dynamoDbMs: number;
    /** extensionsRunner().run() as the login called it; 0 when the login had nothing to run. */
    sandboxMs: number;
    sandboxCalls: number;
    /** Per call, when the login ran the sandbox. */
    sandboxCallMs: LatencySummary | undefined;
    /** At c=1: medians of the per-login figures. */
    perLoginP50?: { dynamoDbWallMs: number; sandboxMs: number };
  };
  /** 1-minute load average when the run ended (the machine is shared). */
  load1: number;
}

export interface LoginBench {
  runs: LoginRun[];
  userItemBytes: number;
  extensionsCacheMs: number;
  /** From creating the rules to the end of the next login, which must have run them. */
  rulesActiveAfterMs: number;
  freshness: FreshnessResult;
  denyCheck: { pass: boolean; detail: string };
  sandbox: SandboxResult[];
  /** Cold start of the in-process sandbox: importing its modules (through tsx here), compiling the QuickJS wasm module. */
  sandboxColdStart: { importMs: number; compileMs: number };
  argon2: Argon2Result;
  /** One RS256 signature (signJwt with the current key); a login signs two tokens. */
  signMs: LatencySummary;
  loadAtStart: number[];
  loadAtEnd: number[];
}

interface TokenBody {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

const parseTokens = (res: BenchResponse): TokenBody => {
  try {
    return JSON.parse(res.body) as TokenBody;
  } catch {
    return {};
  }
};

const LOGIN_COLORS = ['teal', 'orange', 'plum', 'olive'];

export async function benchLogins(ctx: ServiceContext): Promise<LoginBench> {
  const { client, credentials, auth, progress } = ctx;
  const createBody = createBodyFor(credentials.connection);
  const loadAtStart = loadavg().map((n) => round(n, 2));
  const { config } = await import('#shared/platform/config');
  const { extensionsRunner } = await import('#shared/sandbox/runner');
  const { hashPassword, verifyPassword } = await import('#shared/tenant/passwords/hash');
  const { signJwt } = await import('#shared/authentication/tokens/sign');
  const { db } = await import('#shared/db/client');
  const dynamoWatch = new Stopwatch();
  const sandboxWatch = new Stopwatch(true);
  timeDynamoDb(db, dynamoWatch);
  const runner = extensionsRunner();
  const untimeRunner = timeRunner(runner, sandboxWatch);
  const app = credentials.application;
  const runId = Date.now().toString(36);

  // Users with a password and a colour in user_metadata (rule 1), plus one that rule 2 refuses.
  progress(`logins: creating ${LOGIN_USERS} users with a password`);
  const users: { id: string; email: string; color: string }[] = [];
  const createLoginUser = async (email: string, color: string, appExtra: Record<string, unknown> = {}) => {
    const base = createBody(email, { color });
    const body = { ...base, password: LOGIN_PASSWORD, app_metadata: { ...(base.app_metadata as Record<string, unknown>), ...appExtra } };
    const res = await client.send({ method: 'POST', path: '/api/v2/users', headers: auth, body });
    if (res.status !== 201) fail(`creating login user ${email} answered ${res.status}: ${res.body}`);
    return (JSON.parse(res.body) as { user_id: string }).user_id;
  };
  for (let i = 0; i < LOGIN_USERS; i++) {
    const email = `login-${runId}-${i}@example.com`;
    const color = LOGIN_COLORS[i % LOGIN_COLORS.length]!;
    users.push({ id: await createLoginUser(email, color), email, color });
  }
  const flaggedEmail = `login-${runId}-flagged@example.com`;
  const flaggedId = await createLoginUser(flaggedEmail, 'red', { blocked_by_bench: true });
  const userItemBytes = await ctx.storedSize(users[0]!.id);
  const userAt = (i: number) => users[i % users.length]!;

  const passwordRequest = (email: string): BenchRequest => ({
    method: 'POST',
    path: '/oauth/token',
    body: {
      grant_type: PASSWORD_REALM_GRANT,
      realm: credentials.connection,
      username: email,
      password: LOGIN_PASSWORD,
      scope: LOGIN_SCOPE,
      client_id: app.client_id,
      client_secret: app.client_secret,
    },
  });
  const refreshRequest = (refreshToken: string): BenchRequest => ({
    method: 'POST',
    path: '/oauth/token',
    body: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.client_id, client_secret: app.client_secret },
  });
  /** A password login outside any measurement: a session to refresh. */
  const newSession = async (email: string): Promise<string> => {
    const res = await client.send(passwordRequest(email));
    if (res.status !== 200) fail(`login of ${email} answered ${res.status}: ${res.body}`);
    return parseTokens(res).refresh_token ?? fail('the login returned no refresh_token (offline_access)');
  };

  /** With rules: rule 1's and rule 3's claims, with the user's values; without: neither claim. */
  const claimCheck = (rules: number, expectedColor: (res: BenchResponse, worker: number) => string | undefined) => (res: BenchResponse, worker: number) => {
    const tokens = parseTokens(res);
    if (!tokens.refresh_token) return 'no refresh_token in the answer';
    const id = jwtClaims(tokens.id_token);
    const access = jwtClaims(tokens.access_token);
    if (rules === 0) return id[COLOR_CLAIM] === undefined && access[PLAN_CLAIM] === undefined ? undefined : 'a rule claim without rules';
    const color = expectedColor(res, worker);
    if (id[COLOR_CLAIM] !== color) return `id_token ${COLOR_CLAIM} is ${JSON.stringify(id[COLOR_CLAIM])}, expected ${color}`;
    if (access[PLAN_CLAIM] !== 'enterprise') return `access_token ${PLAN_CLAIM} is ${JSON.stringify(access[PLAN_CLAIM])}`;
    return undefined;
  };

  const runs: LoginRun[] = [];
  const measure = async (grant: LoginGrant, rules: number, spec: Omit<OpSpec, 'route' | 'expect'>) => {
    progress(`${spec.name}: ${spec.warmup} warm-up + ${spec.count} at c=${spec.concurrency}`);
    // At c=1 nothing else runs, so what the stopwatches gained between two answers belongs to one login.
    let measuring = false;
    let last = { db: 0, sandbox: 0 };
    const perLogin = { db: [] as number[], sandbox: [] as number[] };
    const onMeasureStart = () => {
      dynamoWatch.reset();
      sandboxWatch.reset();
      measuring = true;
    };
    const onResponse = (i: number, res: BenchResponse, w: number) => {
      spec.onResponse?.(i, res, w);
      if (!measuring || spec.concurrency !== 1) return;
      perLogin.db.push(dynamoWatch.wallMs - last.db);
      perLogin.sandbox.push(sandboxWatch.totalMs - last.sandbox);
      last = { db: dynamoWatch.wallMs, sandbox: sandboxWatch.totalMs };
    };
    const result = await ctx.measure({ ...spec, route: 'oauth-token', expect: 200, onMeasureStart, onResponse });
    const per = (n: number) => round(n / spec.count, 2);
    const inside = {
      dynamoDbWallMs: per(dynamoWatch.wallMs),
      dynamoDbMs: per(dynamoWatch.totalMs),
      sandboxMs: per(sandboxWatch.totalMs),
      sandboxCalls: per(sandboxWatch.calls),
      sandboxCallMs: sandboxWatch.samples.length > 0 ? summarise(sandboxWatch.samples) : undefined,
      ...(perLogin.db.length > 0
        ? { perLoginP50: { dynamoDbWallMs: round(percentile(perLogin.db, 0.5)), sandboxMs: round(percentile(perLogin.sandbox, 0.5)) } }
        : {}),
    };
    runs.push({ ...result, grant, rules, inside, load1: round(loadavg()[0] ?? 0, 2) });
    return result;
  };

  const measurePhase = async (rules: number) => {
    const label = `${rules} rule${rules === 1 ? '' : 's'}`;
    for (const c of LOGIN_CONCURRENCIES) {
      // Which user each answer belongs to: the sub of its ID token.
      const colorOf = (res: BenchResponse) => users.find((u) => u.id === jwtClaims(parseTokens(res).id_token).sub)?.color;
      await measure('password-realm', rules, {
        name: `password-realm login, ${label}`,
        warmup: LOGIN_WARMUP,
        count: LOGIN_ITERATIONS[c],
        concurrency: c,
        request: (i) => passwordRequest(userAt(i).email),
        validate: claimCheck(rules, colorOf),
      });
    }
    for (const { concurrency, count } of REFRESH_RUNS) {
      // Independent sessions, one per worker, each rotated by its own worker.
      const chains: { token: string; color: string }[] = [];
      for (let w = 0; w < concurrency; w++) chains.push({ token: await newSession(userAt(w).email), color: userAt(w).color });
      await measure('refresh_token', rules, {
        name: `refresh_token (rotation), ${label}`,
        warmup: REFRESH_WARMUP,
        count,
        concurrency,
        request: (_i, w) => refreshRequest(chains[w]!.token),
        onResponse: (_i, res, w) => {
          const next = parseTokens(res).refresh_token;
          if (res.status === 200 && next) chains[w]!.token = next;
        },
        validate: claimCheck(rules, (_res, w) => chains[w]?.color),
      });
    }
  };

  // Unmeasured logins first: the login path's code, the caches (client, connection, keys, extensions) and the JVM.
  progress(`logins: warming up (${LOGIN_PREWARM} password logins, 50 refreshes)`);
  let nextWarm = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      for (let i = nextWarm++; i < LOGIN_PREWARM; i = nextWarm++) await newSession(userAt(i).email);
    }),
  );
  let warmToken = await newSession(userAt(0).email);
  for (let i = 0; i < 50; i++) {
    const res = await client.send(refreshRequest(warmToken));
    if (res.status !== 200) fail(`warm-up refresh answered ${res.status}: ${res.body}`);
    warmToken = parseTokens(res).refresh_token ?? fail('no refresh_token');
  }

  await measurePhase(0);

  // Three small rules, through the Management API.
  progress(`logins: creating ${BENCH_RULES.length} rules`);
  const ruleScripts = [];
  for (const rule of BENCH_RULES) {
    const res = await client.send({ method: 'POST', path: '/api/v2/rules', headers: auth, body: { ...rule, enabled: true } });
    if (res.status !== 201) fail(`POST /api/v2/rules answered ${res.status}: ${res.body}`);
    ruleScripts.push({ id: (JSON.parse(res.body) as { id: string }).id, name: rule.name, script: rule.script });
  }
  // The very next login runs them (docs/extensions-freshness.md): nothing to wait for.
  const rulesCreatedAt = performance.now();
  const probe = await client.send(passwordRequest(userAt(0).email));
  if (probe.status !== 200) fail(`the login after creating the rules answered ${probe.status}: ${probe.body}`);
  if (jwtClaims(parseTokens(probe).id_token)[COLOR_CLAIM] === undefined) fail('the rules did not reach the next login');
  const rulesActiveAfterMs = round(performance.now() - rulesCreatedAt, 0);

  // The sandbox alone, then argon2id alone.
  const limits = { totalMs: config.EXTENSIONS_BUDGET_MS, memoryBytes: config.EXTENSIONS_MEMORY_MB * 1024 * 1024 };
  const sandboxCheck = (rules: number) => (output: LoginExtensionOutput) => {
    if (output.outcome !== 'allow') return `outcome ${output.outcome}: ${output.outcome === 'error' ? output.error : output.reason}`;
    if (rules > 0 && (output.idTokenClaims[COLOR_CLAIM] !== 'teal' || output.accessTokenClaims[PLAN_CLAIM] !== 'enterprise')) {
      return `unexpected claims ${JSON.stringify(output.idTokenClaims)} ${JSON.stringify(output.accessTokenClaims)}`;
    }
    return undefined;
  };
  progress(`sandbox: extensionsRunner().run() with 0 and ${ruleScripts.length} rules, ${SANDBOX_WARMUP} warm-up + ${SANDBOX_RUNS} each`);
  const importStarted = performance.now();
  await import('#shared/sandbox/guest/run-login');
  const { quickJS } = await import('#shared/sandbox/guest/quickjs');
  const compileStarted = performance.now();
  await quickJS();
  const sandboxColdStart = { importMs: round(compileStarted - importStarted, 1), compileMs: round(performance.now() - compileStarted, 1) };
  const sandbox = [
    await benchSandbox(runner, [], limits, SANDBOX_WARMUP, SANDBOX_RUNS, sandboxCheck(0), true),
    await benchSandbox(runner, ruleScripts, limits, SANDBOX_WARMUP, SANDBOX_RUNS, sandboxCheck(ruleScripts.length)),
  ];
  progress(`argon2id alone: ${ARGON2_RUNS} verifications at c=1, ${ARGON2_RUNS * 2} at c=2`);
  const argon2 = await benchArgon2(hashPassword, verifyPassword, ARGON2_RUNS, 2);
  const signTimes: number[] = [];
  for (let i = 0; i < SIGN_RUNS; i++) {
    const started = performance.now();
    await signJwt({ iss: credentials.issuer, sub: users[0]!.id, aud: app.client_id, iat: i, exp: i + 60, [COLOR_CLAIM]: 'teal' });
    if (i >= 10) signTimes.push(performance.now() - started);
  }
  const signMs = summarise(signTimes);

  // Rule 2 at work: the flagged user is refused with Auth0's access_denied.
  const denied = await client.send(passwordRequest(flaggedEmail));
  const deniedBody = parseTokens(denied);
  const denyCheck = {
    pass: denied.status === 401 && deniedBody.error === 'access_denied' && deniedBody.error_description === 'blocked by the benchmark',
    detail: `HTTP ${denied.status} ${denied.body.slice(0, 200)}`,
  };

  await measurePhase(ruleScripts.length);
  untimeRunner();

  // What keeping the rules fresh costs a login: the generation read alone, then a reload after a change.
  progress(`logins: freshness check, ${FRESHNESS_RUNS} loads metered one by one, then one after a rule PATCH`);
  const { withDbMetrics } = await import('#shared/db/metrics');
  const { loadLoginExtensions } = await import('#shared/sandbox/load');
  const rulePath = `/api/v2/rules/${encodeURIComponent(ruleScripts[0]!.id)}`;
  const freshness = await benchFreshness(loadLoginExtensions, withDbMetrics, FRESHNESS_RUNS, async () => {
    const res = await client.send({ method: 'PATCH', path: rulePath, headers: auth, body: { enabled: true } });
    if (res.status !== 200) fail(`PATCH ${rulePath} answered ${res.status}: ${res.body}`);
  });

  // Leave the tenant as found: the rules and the login users go.
  for (const rule of ruleScripts) await client.send({ method: 'DELETE', path: `/api/v2/rules/${encodeURIComponent(rule.id)}`, headers: auth });
  for (const id of [...users.map((u) => u.id), flaggedId]) await client.send({ method: 'DELETE', path: userPath(id), headers: auth });

  return {
    runs,
    userItemBytes,
    extensionsCacheMs: config.EXTENSIONS_CACHE_MS,
    rulesActiveAfterMs,
    freshness,
    denyCheck,
    sandbox,
    sandboxColdStart,
    argon2,
    signMs,
    loadAtStart,
    loadAtEnd: loadavg().map((n) => round(n, 2)),
  };
}
