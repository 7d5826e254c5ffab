/**
 * `npm run bench`: the service on this machine (DynamoDB Local in memory, the local server with
 * every route), measured over HTTP per Management/Authentication API operation, with DynamoDB's
 * own consumed-capacity figures per request; then logins (password-realm and refresh_token grants
 * with 0 and 3 small rules, the rules sandbox and argon2id alone); then every route's Lambda bundle
 * (size, cold import); then search over BENCH_SEARCH_USERS loaded users (test/bench/search.ts).
 * Prints tables, checks the performance targets, writes everything to .bench/results.json.
 * `BENCH_ONLY=search` runs the search section alone (to .bench/results-search.json);
 * `BENCH_ONLY=spinning` the requests measured while two logins spin (test/bench/spinning.ts).
 * A missed target is reported, not fatal: the exit code is non-zero only when the run crashes.
 *
 * The service's modules read their configuration at import, so they are imported only after the
 * environment is set (as in infra/local/start.ts).
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dynamoEnv, ensureTable, freePort, JavaMissingError, localClient, startDynamoDbLocal, type LocalDynamo } from '#infra/local/dynamodb-local';
import { userKey } from '#shared/db/keys';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';
import type { LoginExtensionOutput } from '#shared/sandbox/contract';
import type { RequestRecord } from '#shared/http/handler';
import { routes, type RouteId } from '#shared/http/routes';
import { baselineProcessMs, bundleAll, type BundleResult } from '#test/bench/bundle-build';
import { createHttpClient, type BenchRequest, type BenchResponse, type HttpClient } from '#test/bench/http';
import { itemSize } from '#test/bench/item-size';
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
import { cpuMeter, findDynamoPid, type CpuMeter } from '#test/bench/cpu';
import type { SearchBench } from '#test/bench/search-run';
type SpinningModule = typeof import('#test/bench/spinning');
import { printSearch, searchTargets } from '#test/bench/search-report';
import { printSigningCost } from '#test/bench/signing';
import { describeCommands, percentile, round, summarise, summariseDb, type DbSummary, type LatencySummary } from '#test/bench/stats';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT_DIR = join(REPO_ROOT, '.bench');
const TABLE_NAME = 'bench';
const SECTIONS = ['search', 'spinning'] as const;
/** One section alone (`BENCH_ONLY=search`); unset, everything. */
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && !(SECTIONS as readonly string[]).includes(ONLY)) {
  throw new Error(`BENCH_ONLY=${ONLY}: the sections that run alone are ${SECTIONS.join(', ')}`);
}

/** Iteration counts: c=1 runs, then one concurrent run for the hot reads and writes. */
const WARMUP = 20;
const ITERATIONS = 200;
const CREATE_WARMUP = 5;
const CREATE_ITERATIONS = 60;
const DELETE_WARMUP = 5;
const CONCURRENCY = 8;
const CONCURRENT_ITERATIONS = 800;
const BIG_USER_TARGET_BYTES = 4080;
/** Mixed, unmeasured traffic first: DynamoDB Local's JVM is several times slower until it has warmed up. */
const PREWARM_USERS = 8;
const PREWARM_REQUESTS = 3000;
const BIG_USER_GETS = 20;
const IMPORT_RUNS = 7;

/** Logins (issue 3): argon2id makes a password login CPU-bound, so fewer iterations. */
const LOGIN_USERS = 8;
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
/** Keycloak's published sizing: 15 password logins per second per vCPU. */
const KEYCLOAK_LOGINS_PER_VCPU = 15;
/**
 * The anchors' 1 RCU per login, plus the 0.5 that the issue allows for the extensions generation
 * read (an eventually consistent GetItem per login, so a rule change reaches the next login).
 */
const FRESHNESS_RCU_PER_LOGIN = 0.5;
const MAX_RCU_PER_LOGIN = 1 + FRESHNESS_RCU_PER_LOGIN;
const MAX_WCU_PER_LOGIN = 3;
const MAX_RULES_OVERHEAD_MS = 5;

/** Targets (see /work/shared/reference/performance-anchors.md). */
const MAX_BUNDLE_BYTES = 600_000;
const MAX_COLD_IMPORT_MS = 250;
const READ_COMMANDS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

interface OpSpec {
  name: string;
  route: RouteId;
  warmup: number;
  count: number;
  concurrency: number;
  expect: number;
  /** `worker` is the index of the concurrent worker (0 in the warm-up): for chains such as refresh-token rotation. */
  request: (i: number, worker: number) => BenchRequest;
  onResponse?: (i: number, res: BenchResponse, worker: number) => void;
  /** A check beyond the status code; a returned message counts the answer as an error. */
  validate?: (res: BenchResponse, worker: number) => string | undefined;
  /** Called after the warm-up, just before the measured requests start. */
  onMeasureStart?: () => void;
}

interface OpResult {
  name: string;
  route: RouteId;
  concurrency: number;
  warmup: number;
  n: number;
  errors: number;
  firstError?: string;
  /** HTTP round trip as the client saw it. */
  latencyMs: LatencySummary;
  /** Time inside the handler wrapper (from observeRequests), without HTTP and client overhead. */
  handlerMs: LatencySummary;
  reqPerSec: number;
  /** CPU time per measured request: this process (server, client, thread pool) and DynamoDB Local's JVM. */
  cpuMsPerRequest: { node: number; dynamoDbLocal: number | undefined };
  db: DbSummary;
  records: RequestRecord[];
  warmupRecords: RequestRecord[];
}

interface TargetResult {
  target: string;
  pass: boolean;
  detail: string;
}

/** Requests completed while a phase is collecting, as the handler wrapper reports them. */
let sink: RequestRecord[] | undefined;
/** Every request of the run, in completion order (first calls, and creates outside the create phase). */
const allRecords: RequestRecord[] = [];

/** Set once DynamoDB Local runs: CPU accounting for every measured run. */
let cpu: CpuMeter = cpuMeter(undefined);

async function runOp(http: HttpClient, spec: OpSpec): Promise<OpResult> {
  let errors = 0;
  let firstError: string | undefined;
  const check = (i: number, res: BenchResponse, worker: number) => {
    const problem = res.status !== spec.expect ? `HTTP ${res.status}: ${res.body.slice(0, 300)}` : spec.validate?.(res, worker);
    if (problem) {
      errors += 1;
      firstError ??= problem;
    }
    spec.onResponse?.(i, res, worker);
  };

  const warm: RequestRecord[] = [];
  sink = warm;
  for (let i = 0; i < spec.warmup; i++) check(i, await http.send(spec.request(i, 0)), 0);

  const records: RequestRecord[] = [];
  sink = records;
  const latencies: number[] = [];
  let next = 0;
  const worker = async (w: number) => {
    for (;;) {
      const i = next++;
      if (i >= spec.count) return;
      const res = await http.send(spec.request(spec.warmup + i, w));
      latencies.push(res.ms);
      check(spec.warmup + i, res, w);
    }
  };
  spec.onMeasureStart?.();
  const stopCpu = cpu.start();
  const started = performance.now();
  await Promise.all(Array.from({ length: spec.concurrency }, (_, w) => worker(w)));
  const elapsed = performance.now() - started;
  const used = stopCpu();
  sink = undefined;

  const measured = records.filter((r) => r.route === spec.route);
  return {
    name: spec.name,
    route: spec.route,
    concurrency: spec.concurrency,
    warmup: spec.warmup,
    n: spec.count,
    errors,
    ...(firstError ? { firstError } : {}),
    latencyMs: summarise(latencies),
    handlerMs: summarise(measured.map((r) => r.ms)),
    reqPerSec: round((spec.count / elapsed) * 1000, 1),
    cpuMsPerRequest: {
      node: round(used.nodeMs / spec.count, 2),
      dynamoDbLocal: used.dynamoMs === undefined ? undefined : round(used.dynamoMs / spec.count, 2),
    },
    db: summariseDb(measured),
    records: measured,
    warmupRecords: warm.filter((r) => r.route === spec.route),
  };
}

function fail(message: string): never {
  throw new Error(message);
}

async function main(): Promise<void> {
  const wallStarted = performance.now();
  const loadAtStart = loadavg().map((n) => round(n, 2));
  const progress = (message: string) => console.log(`[bench ${((performance.now() - wallStarted) / 1000).toFixed(1)}s] ${message}`);

  // 1. DynamoDB Local in memory, a table, the environment, then the service.
  progress('starting DynamoDB Local (in memory)');
  let dynamo: LocalDynamo | undefined = await startDynamoDbLocal();
  const endpoint = dynamo.endpoint;
  let server: Server | undefined;
  let http: HttpClient | undefined;
  try {
    Object.assign(process.env, dynamoEnv(dynamo));
    await ensureTable(endpoint, TABLE_NAME);
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    cpu = cpuMeter(findDynamoPid(endpoint));
    // Logins are measured with AWS's defaults: rules kept per warm Lambda (10 s at most), the
    // generation read eventually consistent (0.5 RCU per login), rules run in-process.
    delete process.env.EXTENSIONS_CACHE_MS;
    delete process.env.EXTENSIONS_CHECK_READ;
    delete process.env.RULES_RUNNER_FUNCTION_NAME;
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME,
      ISSUER: `${baseUrl}/`,
      LOG_LEVEL: 'warn',
    });
    const { seedTenant, createBootstrapClients } = await import('#shared/bootstrap/seed');
    const { createLocalServer } = await import('#infra/local/server');
    const { observeRequests } = await import('#shared/http/handler');
    observeRequests((record) => {
      allRecords.push(record);
      sink?.push(record);
    });

    progress('seeding the tenant');
    await seedTenant();
    if (ONLY === 'search') {
      await searchOnly(progress, wallStarted);
      return;
    }
    const credentials = await createBootstrapClients();
    server = await createLocalServer();
    const listening = server;
    await new Promise<void>((ready) => listening.listen(port, '127.0.0.1', ready));
    http = createHttpClient(`http://127.0.0.1:${port}`, CONCURRENCY * 2);
    const client = http;
    progress(`service listening on ${baseUrl}`);

    // 2. A Management API token, over HTTP.
    const tokenBody = {
      grant_type: 'client_credentials',
      client_id: credentials.management.client_id,
      client_secret: credentials.management.client_secret,
      audience: credentials.management.audience,
    };
    const tokenRes = await client.send({ method: 'POST', path: '/oauth/token', body: tokenBody });
    if (tokenRes.status !== 200) fail(`POST /oauth/token answered ${tokenRes.status}: ${tokenRes.body}`);
    const accessToken = (JSON.parse(tokenRes.body) as { access_token?: string }).access_token ?? fail('no access_token');
    const auth = { authorization: `Bearer ${accessToken}` };
    if (ONLY === 'spinning') {
      await spinningOnly({ client, credentials, auth, progress }, wallStarted);
      return;
    }

    // 3. The operations.
    const runId = Date.now().toString(36);
    const users: { id: string; email: string }[] = [];
    const userMetadata = {
      theme: 'dark',
      locale: 'en-GB',
      timezone: 'Europe/London',
      newsletter: true,
      favourite_colours: ['teal', 'orange'],
      bio: 'Benchmark user; this text only pads the profile to a typical size.',
    };
    const appMetadata = {
      plan: 'enterprise',
      roles: ['admin', 'billing'],
      tenant_id: 'tnt_0123456789abcdef',
      features: { sso: true, mfa: true, audit_log: false },
      limits: { seats: 250, projects: 40 },
    };
    const metadataBytes = Buffer.byteLength(JSON.stringify(userMetadata)) + Buffer.byteLength(JSON.stringify(appMetadata));
    const createBody = (email: string, extra: Record<string, unknown> = {}) => ({
      connection: credentials.connection,
      email,
      password: 'Bench-Password-0123456789!',
      given_name: 'Bench',
      family_name: 'User',
      user_metadata: { ...userMetadata, ...extra },
      app_metadata: appMetadata,
    });
    const userPath = (id: string) => `/api/v2/users/${encodeURIComponent(id)}`;
    const pick = (i: number) => users[i % users.length] ?? fail('no users were created');
    const ops: OpResult[] = [];
    const run = async (spec: OpSpec) => {
      progress(`${spec.name}: ${spec.warmup} warm-up + ${spec.count} at c=${spec.concurrency}`);
      const result = await runOp(client, spec);
      ops.push(result);
      return result;
    };

    // Unmeasured mixed traffic over throwaway users, so no operation is measured on a cold JVM.
    progress(`warming up: ${PREWARM_USERS} throwaway users, ${PREWARM_REQUESTS} mixed requests at c=${CONCURRENCY}`);
    const throwaway: string[] = [];
    for (let i = 0; i < PREWARM_USERS; i++) {
      const res = await client.send({ method: 'POST', path: '/api/v2/users', headers: auth, body: createBody(`warm-${runId}-${i}@example.com`) });
      if (res.status !== 201) fail(`warm-up create answered ${res.status}: ${res.body}`);
      throwaway.push((JSON.parse(res.body) as { user_id: string }).user_id);
    }
    const prewarm: ((i: number) => BenchRequest)[] = [
      (i) => ({ method: 'GET', path: userPath(throwaway[i % PREWARM_USERS]!), headers: auth }),
      (i) => ({ method: 'GET', path: `/api/v2/users-by-email?email=${encodeURIComponent(`warm-${runId}-${i % PREWARM_USERS}@example.com`)}`, headers: auth }),
      (i) => ({ method: 'PATCH', path: userPath(throwaway[i % PREWARM_USERS]!), headers: auth, body: { user_metadata: { warm: i } } }),
      (i) => ({ method: 'PATCH', path: userPath(throwaway[i % PREWARM_USERS]!), headers: auth, body: { given_name: `Warm${i}` } }),
      () => ({ method: 'POST', path: '/oauth/token', body: tokenBody }),
    ];
    let nextWarm = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = nextWarm++; i < PREWARM_REQUESTS; i = nextWarm++) {
          const res = await client.send(prewarm[i % prewarm.length]!(Math.floor(i / prewarm.length)));
          if (res.status >= 300) fail(`warm-up request answered ${res.status}: ${res.body}`);
        }
      }),
    );
    for (const id of throwaway) await client.send({ method: 'DELETE', path: userPath(id), headers: auth });

    await run({
      name: 'POST /oauth/token (client_credentials)',
      route: 'oauth-token',
      warmup: WARMUP,
      count: ITERATIONS,
      concurrency: 1,
      expect: 200,
      request: () => ({ method: 'POST', path: '/oauth/token', body: tokenBody }),
    });
    await run({
      name: 'POST /oauth/token (client_credentials)',
      route: 'oauth-token',
      warmup: 0,
      count: CONCURRENT_ITERATIONS,
      concurrency: CONCURRENCY,
      expect: 200,
      request: () => ({ method: 'POST', path: '/oauth/token', body: tokenBody }),
    });

    const createOp = await run({
      name: 'POST /api/v2/users (create)',
      route: 'users-create',
      warmup: CREATE_WARMUP,
      count: CREATE_ITERATIONS,
      concurrency: 1,
      expect: 201,
      request: (i) => ({ method: 'POST', path: '/api/v2/users', headers: auth, body: createBody(`bench-${runId}-${i}@example.com`) }),
      onResponse: (i, res) => {
        if (res.status === 201) users.push({ id: (JSON.parse(res.body) as { user_id: string }).user_id, email: `bench-${runId}-${i}@example.com` });
      },
    });
    if (users.length === 0) fail(`no user could be created: ${createOp.firstError ?? 'unknown error'}`);

    const raw = localClient(endpoint);
    const storedSize = async (userId: string) => {
      const out = await raw.send(
        new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: userKey(userId).pk }, sk: { S: userKey(userId).sk } }, ConsistentRead: true }),
      );
      return out.Item ? itemSize(out.Item) : fail(`user ${userId} not found in the table`);
    };
    const typicalUserBytes = await storedSize(pick(0).id);

    await run({
      name: 'GET /api/v2/users/{id}',
      route: 'users-get',
      warmup: WARMUP,
      count: ITERATIONS,
      concurrency: 1,
      expect: 200,
      request: (i) => ({ method: 'GET', path: userPath(pick(i).id), headers: auth }),
    });
    await run({
      name: 'GET /api/v2/users/{id}',
      route: 'users-get',
      warmup: 0,
      count: CONCURRENT_ITERATIONS,
      concurrency: CONCURRENCY,
      expect: 200,
      request: (i) => ({ method: 'GET', path: userPath(pick(i).id), headers: auth }),
    });
    await run({
      name: 'GET /api/v2/users-by-email',
      route: 'users-by-email',
      warmup: WARMUP,
      count: ITERATIONS,
      concurrency: 1,
      expect: 200,
      request: (i) => ({ method: 'GET', path: `/api/v2/users-by-email?email=${encodeURIComponent(pick(i).email)}`, headers: auth }),
    });
    const metadataPatch = (i: number): BenchRequest => ({
      method: 'PATCH',
      path: userPath(pick(i).id),
      headers: auth,
      body: { user_metadata: { theme: i % 2 ? 'light' : 'dark', last_seen_counter: i } },
    });
    const patchSeq = await run({
      name: 'PATCH /api/v2/users/{id} (user_metadata)',
      route: 'users-update',
      warmup: WARMUP,
      count: ITERATIONS,
      concurrency: 1,
      expect: 200,
      request: metadataPatch,
    });
    const patchConc = await run({
      name: 'PATCH /api/v2/users/{id} (user_metadata)',
      route: 'users-update',
      warmup: 0,
      count: CONCURRENT_ITERATIONS,
      concurrency: CONCURRENCY,
      expect: 200,
      request: metadataPatch,
    });
    await run({
      name: 'PATCH /api/v2/users/{id} (given_name)',
      route: 'users-update',
      warmup: WARMUP,
      count: ITERATIONS,
      concurrency: 1,
      expect: 200,
      request: (i) => ({ method: 'PATCH', path: userPath(pick(i).id), headers: auth, body: { given_name: `Bench${i}` } }),
    });

    // The "4 KB user": metadata padded so the stored item lands just under 4,096 bytes.
    progress(`4 KB user: create, pad to ~${BIG_USER_TARGET_BYTES} bytes, ${BIG_USER_GETS} GETs`);
    const bigEmail = `bench-${runId}-big@example.com`;
    const padStart = 1400;
    const bigRes = await client.send({
      method: 'POST',
      path: '/api/v2/users',
      headers: auth,
      body: createBody(bigEmail, { pad_a: 'a'.repeat(padStart), pad_b: 'b'.repeat(padStart) }),
    });
    if (bigRes.status !== 201) fail(`creating the 4 KB user answered ${bigRes.status}: ${bigRes.body}`);
    const bigId = (JSON.parse(bigRes.body) as { user_id: string }).user_id;
    const sizeAsCreated = await storedSize(bigId);
    const delta = BIG_USER_TARGET_BYTES - sizeAsCreated;
    const padA = Math.max(1, Math.min(2000, padStart + Math.ceil(delta / 2)));
    const padB = Math.max(1, Math.min(2000, padStart + Math.floor(delta / 2)));
    const padRes = await client.send({
      method: 'PATCH',
      path: userPath(bigId),
      headers: auth,
      body: { user_metadata: { pad_a: 'a'.repeat(padA), pad_b: 'b'.repeat(padB) } },
    });
    if (padRes.status !== 200) fail(`padding the 4 KB user answered ${padRes.status}: ${padRes.body}`);
    const bigUserBytes = await storedSize(bigId);
    const bigGet = await run({
      name: 'GET /api/v2/users/{id} (4 KB user)',
      route: 'users-get',
      warmup: 2,
      count: BIG_USER_GETS,
      concurrency: 1,
      expect: 200,
      request: () => ({ method: 'GET', path: userPath(bigId), headers: auth }),
    });

    // Delete everything created: the 4 KB user and the first few as warm-up (their costs differ).
    const toDelete = [bigId, ...users.map((u) => u.id)];
    await run({
      name: 'DELETE /api/v2/users/{id}',
      route: 'users-delete',
      warmup: DELETE_WARMUP,
      count: toDelete.length - DELETE_WARMUP,
      concurrency: 1,
      expect: 204,
      request: (i) => ({ method: 'DELETE', path: userPath(toDelete[i] ?? fail('no user to delete')), headers: auth }),
    });

    // Logins (issue 3): password-realm and refresh grants with 0 and then 3 rules, the sandbox and argon2id alone.
    const logins = await benchLogins({ client, credentials, auth, progress, createBody, userPath, storedSize });
    // Requests while two logins spin (issue 8).
    const spinningModule = await import('#test/bench/spinning');
    const spinning = await spinningModule.benchSpinning({ client, credentials, auth, progress });

    // Search at scale (issue 4): last, since it loads the table with BENCH_SEARCH_USERS users.
    const search = await (await import('#test/bench/search-run')).benchSearch(progress);

    // 7 (first half). Stop the service before the bundles, so nothing else runs during cold imports.
    progress('stopping the server and DynamoDB Local');
    client.close();
    http = undefined;
    await closeServer(server);
    server = undefined;
    raw.destroy();
    await dynamo.stop();
    dynamo = undefined;

    // 4. Bundles.
    progress(`bundling ${routes.length} routes and timing cold imports (median of ${IMPORT_RUNS})`);
    const baselineMs = round(baselineProcessMs(IMPORT_RUNS), 1);
    const bundles = await bundleAll(REPO_ROOT, IMPORT_RUNS);

    // 5. Targets.
    const createRecords = allRecords.filter((r) => r.route === 'users-create');
    const loginSummary = summariseLogins(logins, ops);
    const targets = [
      ...checkTargets({ createRecords, patchRuns: [patchSeq, patchConc], bigGet, bigUserBytes, bundles }),
      ...checkLoginTargets(logins, loginSummary),
      ...searchTargets(search),
      ...spinningModule.spinningTargets(spinning),
    ];
    const firstCalls = firstCallsOf(ops);
    const loadAtEnd = loadavg().map((n) => round(n, 2));

    // 6. Report.
    spinningModule.printSpinning(spinning);
    printReport({
      ops, firstCalls, bundles, baselineMs, targets, typicalUserBytes, bigUserBytes, metadataBytes, load: [loadAtStart, loadAtEnd], logins, loginSummary, search,
    });
    const results = {
      timestamp: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${platform()} ${release()} ${arch()}`,
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryBytes: totalmem(),
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadAtEnd,
      },
      setup: {
        store: 'DynamoDB Local (in memory) over loopback; server and client in one process',
        warmup: WARMUP,
        iterations: ITERATIONS,
        createIterations: CREATE_ITERATIONS,
        concurrency: CONCURRENCY,
        concurrentIterations: CONCURRENT_ITERATIONS,
        createMetadataBytes: metadataBytes,
      },
      operations: ops.map(({ records: _r, warmupRecords: _w, ...op }) => op),
      firstCalls,
      logins: {
        setup: {
          users: LOGIN_USERS,
          userItemBytes: logins.userItemBytes,
          grant: PASSWORD_REALM_GRANT,
          scope: LOGIN_SCOPE,
          rules: BENCH_RULES,
          extensionsCacheMs: logins.extensionsCacheMs,
          passwordHash: 'argon2id m=19456 KiB, t=2, p=1 (shared/tenant/passwords/hash.ts)',
          cores: cpus().length,
          loadAverageAtStart: logins.loadAtStart,
          loadAverageAtEnd: logins.loadAtEnd,
        },
        runs: logins.runs.map(({ records: _r, warmupRecords: _w, ...run }) => run),
        summary: loginSummary,
        sandbox: logins.sandbox,
        argon2: logins.argon2,
        rulesActiveAfterMs: logins.rulesActiveAfterMs,
        freshness: logins.freshness,
        denyCheck: logins.denyCheck,
      },
      search,
      spinning,
      notes: NOTES,
      users: { typicalUserItemBytes: typicalUserBytes, bigUserItemBytes: bigUserBytes, bigUserSizeAsCreated: sizeAsCreated },
      bundles: { baselineNodeProcessMs: baselineMs, maxBytes: MAX_BUNDLE_BYTES, maxColdImportMs: MAX_COLD_IMPORT_MS, items: bundles },
      targets,
      totalSeconds: round((performance.now() - wallStarted) / 1000, 1),
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nResults written to ${join(OUT_DIR, 'results.json')} (total ${results.totalSeconds} s)`);
  } finally {
    http?.close();
    if (server) await closeServer(server);
    await dynamo?.stop();
  }
}

type LoginGrant = 'password-realm' | 'refresh_token';

interface LoginRun extends OpResult {
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

interface LoginBench {
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

async function benchLogins(input: {
  client: HttpClient;
  credentials: BootstrapCredentials;
  auth: Record<string, string>;
  progress: (message: string) => void;
  createBody: (email: string, extra?: Record<string, unknown>) => Record<string, unknown>;
  userPath: (id: string) => string;
  storedSize: (userId: string) => Promise<number>;
}): Promise<LoginBench> {
  const { client, credentials, auth, progress } = input;
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
    const base = input.createBody(email, { color });
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
  const userItemBytes = await input.storedSize(users[0]!.id);
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
    const result = await runOp(client, { ...spec, route: 'oauth-token', expect: 200, onMeasureStart, onResponse });
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
  for (const id of [...users.map((u) => u.id), flaggedId]) await client.send({ method: 'DELETE', path: input.userPath(id), headers: auth });

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

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

function checkTargets(input: {
  createRecords: RequestRecord[];
  patchRuns: OpResult[];
  bigGet: OpResult;
  bigUserBytes: number;
  bundles: BundleResult[];
}): TargetResult[] {
  const targets: TargetResult[] = [];

  const bigReads = [...input.bigGet.warmupRecords, ...input.bigGet.records].map((r) => r.db.readUnits);
  const maxBigRead = Math.max(...bigReads);
  targets.push({
    target: 'GET by id of a <=4 KB user costs <= 1 read unit',
    pass: input.bigUserBytes <= 4096 && maxBigRead <= 1 && input.bigGet.errors === 0,
    detail: `item ${input.bigUserBytes} B; read units per GET ${maxBigRead} (max of ${bigReads.length})`,
  });

  const patchRecords = input.patchRuns.flatMap((r) => [...r.warmupRecords, ...r.records]);
  const badPatches = patchRecords.filter((r) => r.db.requests !== 1 || r.db.readUnits !== 0 || r.db.commands.join(',') !== 'UpdateItem');
  targets.push({
    target: "metadata PATCH is exactly 1 DynamoDB request, 0 reads (['UpdateItem'])",
    pass: badPatches.length === 0 && patchRecords.length > 0,
    detail:
      badPatches.length === 0
        ? `${patchRecords.length}/${patchRecords.length} requests were UpdateItem only, 0 read units`
        : `${badPatches.length}/${patchRecords.length} requests differ, e.g. ${JSON.stringify(badPatches[0]!.db)}`,
  });

  const createRecords = input.createRecords;
  const writesOf = (r: RequestRecord) => r.db.commands.filter((c) => !READ_COMMANDS.has(c));
  const badCreates = createRecords.filter((r) => writesOf(r).join(',') !== 'TransactWriteItems');
  const withReads = createRecords.filter((r) => r.db.commands.some((c) => READ_COMMANDS.has(c)));
  const readNote =
    withReads.length === 0
      ? 'no reads'
      : `${withReads.length} of ${createRecords.length} also read first: ${withReads.map((r) => r.db.commands.join('+')).join('; ')} (cold signing-key and connection caches; the connection cache lasts 30 s)`;
  targets.push({
    target: "create is exactly one transaction (one 'TransactWriteItems', no other writes)",
    pass: badCreates.length === 0 && createRecords.length > 0,
    detail:
      badCreates.length === 0
        ? `${createRecords.length}/${createRecords.length} creates: one TransactWriteItems; ${readNote}`
        : `${badCreates.length}/${createRecords.length} creates differ, e.g. ${badCreates[0]!.db.commands.join('+')}`,
  });

  const tooBig = input.bundles.filter((b) => b.bytes >= MAX_BUNDLE_BYTES);
  const largest = input.bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  targets.push({
    target: `every bundle < ${MAX_BUNDLE_BYTES.toLocaleString('en-US')} B minified`,
    pass: tooBig.length === 0,
    detail: tooBig.length === 0 ? `largest ${largest.route}: ${largest.bytes.toLocaleString('en-US')} B` : `over: ${tooBig.map((b) => `${b.route} ${b.bytes} B`).join(', ')}`,
  });

  const slow = input.bundles.filter((b) => b.importMs === undefined || b.importMs >= MAX_COLD_IMPORT_MS);
  const slowest = input.bundles.reduce((a, b) => ((b.importMs ?? Infinity) > (a.importMs ?? -1) ? b : a));
  targets.push({
    target: `every cold import < ${MAX_COLD_IMPORT_MS} ms`,
    pass: slow.length === 0,
    detail:
      slow.length === 0
        ? `slowest ${slowest.route}: ${slowest.importMs} ms`
        : `missed: ${slow
            .map((b) => (b.importMs === undefined ? `${b.route} ${b.error ?? 'failed'}` : `${b.route} median ${b.importMs} ms (fastest run ${b.importMinMs} ms)`))
            .join(', ')}; load average now ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
  });
  return targets;
}

interface LoginSummary {
  cores: number;
  /** Best password-realm logins/s over c=1,2,4, divided by the machine's cores. */
  perCore: { rules: number; bestLoginsPerSec: number; atConcurrency: number; loginsPerSecPerCore: number }[];
  /** Best rate of each grant over its concurrencies. */
  grantsPerSecond: { grant: string; rules: number | undefined; perSec: number; atConcurrency: number }[];
  /** CPU of this process per login at the best rate: what the service itself needs, without the store. */
  serviceCpu: { rules: number; nodeMsPerLogin: number; dynamoDbLocalMsPerLogin: number | undefined; loginsPerCpuSecond: number }[];
  rulesOverhead: {
    rules: number;
    passwordP50Ms: number;
    passwordHandlerP50Ms: number;
    refreshP50Ms: number;
    refreshHandlerP50Ms: number;
    sandboxP50Ms: number;
    sandboxP99Ms: number;
    sandboxEmptyP50Ms: number;
    sandboxEmptyP99Ms: number;
    sandboxFirstRunMs: number | undefined;
    /** extensionsRunner().run() as timed inside the logins at c=1 (p50/p99 per call). */
    inLogin: { grant: LoginGrant; p50Ms: number; p99Ms: number }[];
  };
  /** Handler time of a login at c=1 (p50), split into the p50s of what was timed inside each login or measured alone. */
  timeSplit: TimeSplit[];
  db: { password: LoginDb; refresh: LoginDb };
}

interface TimeSplit {
  grant: LoginGrant;
  rules: number;
  handlerP50Ms: number;
  /** argon2id verify measured alone (p50 at c=1); 0 for refresh. */
  argon2Ms: number;
  sandboxMs: number;
  dynamoDbWallMs: number;
  /** Two RS256 signatures (ID and access token), p50 of signJwt measured alone. */
  signingMs: number;
  restMs: number;
}

/** DynamoDB per login over all runs of a grant, and the steady-state login: the most common set of commands (cache refreshes aside). */
interface LoginDb extends DbSummary {
  logins: number;
  steady: { commands: string[]; logins: number; maxReadUnits: number; maxWriteUnits: number };
  /** Logins that issued other commands (a cache of the client, connection, signing key or extensions being refreshed). */
  others: { commands: string[]; count: number }[];
}

function summariseLogins(bench: LoginBench, ops: OpResult[]): LoginSummary {
  const cores = cpus().length;
  const ruleCounts = [...new Set(bench.runs.map((r) => r.rules))].sort((a, b) => a - b);
  const withRules = ruleCounts[ruleCounts.length - 1] ?? 0;
  const runsOf = (grant: LoginGrant, rules: number) => bench.runs.filter((r) => r.grant === grant && r.rules === rules);
  const best = (runs: OpResult[]) => runs.reduce<OpResult | undefined>((a, b) => (!a || b.reqPerSec > a.reqPerSec ? b : a), undefined);
  const at = (grant: LoginGrant, rules: number, c: number) => runsOf(grant, rules).find((r) => r.concurrency === c);
  const need = <T>(value: T | undefined, what: string): T => value ?? fail(`no ${what} run`);

  const perCore = ruleCounts.map((rules) => {
    const top = need(best(runsOf('password-realm', rules)), `password login (${rules} rules)`);
    return { rules, bestLoginsPerSec: top.reqPerSec, atConcurrency: top.concurrency, loginsPerSecPerCore: round(top.reqPerSec / cores, 1) };
  });
  const clientCredentials = best(ops.filter((o) => o.name.includes('client_credentials')));
  const grantsPerSecond = [
    ...ruleCounts.flatMap((rules) =>
      (['password-realm', 'refresh_token'] as const).map((grant) => {
        const top = need(best(runsOf(grant, rules)), `${grant} (${rules} rules)`);
        return { grant, rules: rules as number | undefined, perSec: top.reqPerSec, atConcurrency: top.concurrency };
      }),
    ),
    ...(clientCredentials ? [{ grant: 'client_credentials', rules: undefined, perSec: clientCredentials.reqPerSec, atConcurrency: clientCredentials.concurrency }] : []),
  ];
  const serviceCpu = ruleCounts.map((rules) => {
    const top = need(best(runsOf('password-realm', rules)), 'password login');
    return {
      rules,
      nodeMsPerLogin: top.cpuMsPerRequest.node,
      dynamoDbLocalMsPerLogin: top.cpuMsPerRequest.dynamoDbLocal,
      loginsPerCpuSecond: round(1000 / top.cpuMsPerRequest.node, 1),
    };
  });

  const p0 = need(at('password-realm', 0, 1), 'password c=1 (0 rules)');
  const pN = need(at('password-realm', withRules, 1), `password c=1 (${withRules} rules)`);
  const r0 = need(at('refresh_token', 0, 1), 'refresh c=1 (0 rules)');
  const rN = need(at('refresh_token', withRules, 1), `refresh c=1 (${withRules} rules)`);
  const emptySandbox = need(bench.sandbox.find((s) => s.rules === 0), 'sandbox (0 rules)');
  const rulesSandbox = need(bench.sandbox.find((s) => s.rules === withRules), `sandbox (${withRules} rules)`);
  const rulesOverhead = {
    rules: withRules,
    passwordP50Ms: round(pN.latencyMs.p50 - p0.latencyMs.p50),
    passwordHandlerP50Ms: round(pN.handlerMs.p50 - p0.handlerMs.p50),
    refreshP50Ms: round(rN.latencyMs.p50 - r0.latencyMs.p50),
    refreshHandlerP50Ms: round(rN.handlerMs.p50 - r0.handlerMs.p50),
    sandboxP50Ms: rulesSandbox.ms.p50,
    sandboxP99Ms: rulesSandbox.ms.p99,
    sandboxEmptyP50Ms: emptySandbox.ms.p50,
    sandboxEmptyP99Ms: emptySandbox.ms.p99,
    sandboxFirstRunMs: emptySandbox.firstRunMs,
    inLogin: [pN, rN].flatMap((run) => {
      const r = run as LoginRun;
      return r.inside.sandboxCallMs ? [{ grant: r.grant, p50Ms: r.inside.sandboxCallMs.p50, p99Ms: r.inside.sandboxCallMs.p99 }] : [];
    }),
  };
  const signingMs = round(2 * bench.signMs.p50);
  const timeSplit = [p0, pN, r0, rN].map((run): TimeSplit => {
    const r = run as LoginRun;
    const argon2Ms = r.grant === 'password-realm' ? bench.argon2.sequential.p50 : 0;
    const { sandboxMs, dynamoDbWallMs } = r.inside.perLoginP50 ?? { sandboxMs: r.inside.sandboxMs, dynamoDbWallMs: r.inside.dynamoDbWallMs };
    return {
      grant: r.grant,
      rules: r.rules,
      handlerP50Ms: r.handlerMs.p50,
      argon2Ms,
      sandboxMs,
      dynamoDbWallMs,
      signingMs,
      restMs: round(r.handlerMs.p50 - argon2Ms - sandboxMs - dynamoDbWallMs - signingMs),
    };
  });
  const dbOf = (grant: LoginGrant): LoginDb => {
    const records = bench.runs.filter((r) => r.grant === grant).flatMap((r) => r.records);
    const keyOf = (r: RequestRecord) => [...r.db.commands].sort().join('+');
    const counts = new Map<string, number>();
    for (const r of records) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1);
    const modal = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    const steady = records.filter((r) => keyOf(r) === modal);
    const summary = summariseDb(records);
    return {
      ...summary,
      logins: records.length,
      steady: {
        commands: modal ? modal.split('+') : [],
        logins: steady.length,
        maxReadUnits: Math.max(...steady.map((r) => r.db.readUnits)),
        maxWriteUnits: Math.max(...steady.map((r) => r.db.writeUnits)),
      },
      others: summariseDb(records.filter((r) => keyOf(r) !== modal)).commandLists,
    };
  };
  return { cores, perCore, grantsPerSecond, serviceCpu, rulesOverhead, timeSplit, db: { password: dbOf('password-realm'), refresh: dbOf('refresh_token') } };
}

function checkLoginTargets(bench: LoginBench, s: LoginSummary): TargetResult[] {
  const targets: TargetResult[] = [];
  for (const p of s.perCore) {
    const rates = bench.runs
      .filter((r) => r.grant === 'password-realm' && r.rules === p.rules)
      .map((r) => `c=${r.concurrency} ${fmt(r.reqPerSec, 1)}/s`)
      .join(', ');
    const errors = bench.runs.filter((r) => r.grant === 'password-realm' && r.rules === p.rules).reduce((n, r) => n + r.errors, 0);
    targets.push({
      target: `password logins/s per core > ${KEYCLOAK_LOGINS_PER_VCPU} (Keycloak's published figure per vCPU), ${p.rules} rules`,
      pass: p.loginsPerSecPerCore > KEYCLOAK_LOGINS_PER_VCPU && errors === 0,
      detail: `best ${fmt(p.bestLoginsPerSec, 1)}/s (c=${p.atConcurrency}) / ${s.cores} cores = ${fmt(p.loginsPerSecPerCore, 1)}/s per core (${rates}${errors ? `; ${errors} errors` : ''})`,
    });
  }
  const dbTarget = (what: string, db: LoginDb) => {
    const st = db.steady;
    const pass = st.logins > 0 && st.maxReadUnits <= MAX_RCU_PER_LOGIN && st.maxWriteUnits <= MAX_WCU_PER_LOGIN;
    const others = db.others.reduce((n, o) => n + o.count, 0);
    targets.push({
      target: `<= ${MAX_RCU_PER_LOGIN} RCU and <= ${MAX_WCU_PER_LOGIN} WCU per ${what} (steady state, EXTENSIONS_CACHE_MS ${bench.extensionsCacheMs})`,
      pass,
      detail:
        `${st.logins} of ${db.logins} logins: ${st.commands.join('+')} = ${fmt(st.maxReadUnits, 1)} RCU, ${fmt(st.maxWriteUnits, 1)} WCU; ` +
        `mean over all ${fmt(db.readUnits, 3)} RCU, ${fmt(db.writeUnits, 3)} WCU` +
        (others ? ` (${others} also refreshed a cache: ${db.others.map((o) => `${o.commands.join('+')} x${o.count}`).join('; ')})` : ''),
    });
  };
  dbTarget('password login', s.db.password);
  dbTarget('refresh login', s.db.refresh);
  const o = s.rulesOverhead;
  const inLoginOk = o.inLogin.length > 0 && o.inLogin.every((x) => x.p50Ms < MAX_RULES_OVERHEAD_MS);
  targets.push({
    target: `rules overhead < ${MAX_RULES_OVERHEAD_MS} ms for ${o.rules} small rules (run() p50, alone and inside logins)`,
    pass: o.sandboxP50Ms < MAX_RULES_OVERHEAD_MS && inLoginOk && bench.sandbox.every((x) => x.errors === 0),
    detail:
      `alone p50 ${fmt(o.sandboxP50Ms)} ms, p99 ${fmt(o.sandboxP99Ms)} ms (0 rules: p50 ${fmt(o.sandboxEmptyP50Ms)}); ` +
      `inside logins at c=1: ${o.inLogin.map((x) => `${x.grant} p50 ${fmt(x.p50Ms)} ms, p99 ${fmt(x.p99Ms)} ms`).join('; ')}; ` +
      `login p50 with ${o.rules} rules minus 0 rules (runs minutes apart): password ${signed(o.passwordP50Ms)} ms, refresh ${signed(o.refreshP50Ms)} ms`,
  });
  return targets;
}

const signed = (n: number) => `${n >= 0 ? '+' : ''}${fmt(n)}`;

function printLogins(bench: LoginBench, s: LoginSummary): void {
  console.log(
    `\n== Logins: POST /oauth/token (password-realm, scope "${LOGIN_SCOPE}"; argon2id m=19 MiB t=2 p=1; ${s.cores} cores; rules kept ${bench.extensionsCacheMs} ms at most, checked each login) ==`,
  );
  const rows = bench.runs.map((r) => [
    r.grant,
    String(r.rules),
    String(r.concurrency),
    String(r.n),
    fmt(r.latencyMs.p50),
    fmt(r.latencyMs.p99),
    fmt(r.handlerMs.p50),
    fmt(r.reqPerSec, 1),
    fmt(r.cpuMsPerRequest.node, 1),
    r.cpuMsPerRequest.dynamoDbLocal === undefined ? '-' : fmt(r.cpuMsPerRequest.dynamoDbLocal, 1),
    units(r.db.requests, r.db.requestsRange),
    units(r.db.readUnits, r.db.readUnitsRange),
    units(r.db.writeUnits, r.db.writeUnitsRange),
    fmt(r.load1, 1),
    describeCommands(r.db.commandLists),
    r.errors > 0 ? `${r.errors} errors` : '',
  ]);
  console.log(
    table(
      ['grant', 'rules', 'c', 'n', 'p50 ms', 'p99 ms', 'handler p50', 'logins/s', 'CPU ms node', 'CPU ms DDB Local', 'DB req', 'RCU', 'WCU', 'load', 'commands', ''],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
    ),
  );
  for (const r of bench.runs) if (r.firstError) console.log(`  ${r.name} c=${r.concurrency}: ${r.errors} unexpected answers, first: ${r.firstError}`);
  console.log(
    '  "CPU ms": CPU time per login of this Node process (server, rules sandbox, argon2 threads, and the HTTP client) and of DynamoDB Local\'s JVM. "load": 1-minute load average at the end of the run (other work shares the machine).',
  );

  console.log('\n  Per core (best password logins/s over c=1,2,4 / cores; Keycloak publishes 15/s per vCPU):');
  for (const p of s.perCore) {
    const cpu = s.serviceCpu.find((c) => c.rules === p.rules);
    console.log(
      `    ${p.rules} rules: ${fmt(p.bestLoginsPerSec, 1)}/s at c=${p.atConcurrency} / ${s.cores} = ${fmt(p.loginsPerSecPerCore, 1)}/s per core` +
        (cpu
          ? `; the service itself used ${fmt(cpu.nodeMsPerLogin, 1)} ms CPU per login (${fmt(cpu.loginsPerCpuSecond, 1)} logins per CPU-second), DynamoDB Local ${cpu.dynamoDbLocalMsPerLogin === undefined ? '(not measured)' : `${fmt(cpu.dynamoDbLocalMsPerLogin, 1)} ms`}`
          : ''),
    );
  }
  console.log(
    `  Grants per second (best over concurrencies): ${s.grantsPerSecond
      .map((g) => `${g.grant}${g.rules === undefined ? '' : ` (${g.rules} rules)`} ${fmt(g.perSec, 1)}/s at c=${g.atConcurrency}`)
      .join('; ')}`,
  );
  const o = s.rulesOverhead;
  console.log(`\n  Rules step (${o.rules} small rules vs 0; c=1, p50):`);
  console.log(
    `    login p50 with ${o.rules} rules minus 0 rules (runs minutes apart, so load changes show): password ${signed(o.passwordP50Ms)} ms (handler ${signed(o.passwordHandlerP50Ms)} ms); refresh ${signed(o.refreshP50Ms)} ms (handler ${signed(o.refreshHandlerP50Ms)} ms)`,
  );
  for (const x of o.inLogin) console.log(`    run() timed inside the ${x.grant} logins (c=1): p50 ${fmt(x.p50Ms)} ms, p99 ${fmt(x.p99Ms)} ms`);
  for (const x of bench.sandbox) {
    console.log(
      `    sandbox alone, extensionsRunner().run() in-process, ${x.rules} rules: p50 ${fmt(x.ms.p50)} ms, p99 ${fmt(x.ms.p99)} ms, max ${fmt(x.ms.max)} ms (n=${x.runs}${x.errors ? `, ${x.errors} errors: ${x.firstError}` : ''})` +
        `; ${fmt(x.cpuMsPerRun)} ms CPU per run` +
      (x.firstRunMs === undefined
        ? ''
        : `; cold start in this process: import ${fmt(bench.sandboxColdStart.importMs, 1)} ms, loading QuickJS (its emscripten module through tsx, and the wasm) ${fmt(bench.sandboxColdStart.compileMs, 1)} ms, first run ${fmt(x.firstRunMs)} ms`),
    );
  }
  console.log(`    with 0 rules a login skips the sandbox entirely; the very next login ran the new rules (it answered ${fmt(bench.rulesActiveAfterMs)} ms after the last was created)`);
  const f = bench.freshness;
  console.log(
    `    keeping rules fresh (loadLoginExtensions metered alone): ${fmt(f.unchanged.requestsPerLogin, 2)} requests and ${fmt(f.unchanged.readUnitsPerLogin, 3)} RCU per login with nothing changed (${f.unchanged.commands.join(', ')}; n=${f.unchanged.logins}); ` +
      `the first login after a change: ${f.afterChange.commands.join('+')}, ${fmt(f.afterChange.readUnits, 2)} RCU`,
  );
  console.log(`    rule 2 refusing a flagged user: ${bench.denyCheck.pass ? 'ok' : 'UNEXPECTED'}, ${bench.denyCheck.detail}`);

  const a = bench.argon2;
  console.log(
    '\n  Where the time goes in a login (c=1, p50 ms of each part; DynamoDB and the sandbox timed inside each login, argon2id and signing measured alone; "rest" is the remainder):',
  );
  console.log(
    table(
      ['grant', 'rules', 'handler', 'argon2id', 'sandbox', 'DynamoDB (wall)', '2 x RS256', 'rest'],
      s.timeSplit.map((t) => [
        t.grant,
        String(t.rules),
        fmt(t.handlerP50Ms),
        t.argon2Ms ? fmt(t.argon2Ms) : '-',
        t.sandboxMs ? fmt(t.sandboxMs) : '-',
        fmt(t.dynamoDbWallMs),
        fmt(t.signingMs),
        fmt(t.restMs),
      ]),
      new Set([1, 2, 3, 4, 5, 6, 7]),
    )
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  console.log(
    `    argon2id alone: p50 ${fmt(a.sequential.p50)} ms, p99 ${fmt(a.sequential.p99)} ms at c=1 (${fmt(a.sequentialPerSec, 1)}/s); ${fmt(a.concurrentPerSec, 1)}/s at c=${a.concurrency}, ${fmt(a.cpuMsPerVerify, 1)} ms CPU each: the hash alone would allow ~${fmt((1000 / a.cpuMsPerVerify) * s.cores, 0)} logins/s on ${s.cores} cores`,
  );
  console.log(`    RS256 signature alone (signJwt): p50 ${fmt(bench.signMs.p50)} ms, p99 ${fmt(bench.signMs.p99)} ms; "rest": request parsing, client authentication, building the rules' input, claims, JSON, event-loop waits`);
  printSigningCost(bench.signMs);
  const sandboxRuns = bench.runs.filter((r) => r.inside.sandboxCallMs);
  if (sandboxRuns.length > 0) {
    console.log(
      `    run() inside logins: ${sandboxRuns
        .map((r) => `${r.grant} c=${r.concurrency} p50 ${fmt(r.inside.sandboxCallMs!.p50)} / p99 ${fmt(r.inside.sandboxCallMs!.p99)} ms`)
        .join('; ')}`,
    );
  }
  const dbLine = (what: string, db: LoginDb) =>
    console.log(
      `    ${what}: ${fmt(db.requests, 2)} requests, ${fmt(db.readUnits, 3)} RCU, ${fmt(db.writeUnits, 3)} WCU per login (mean of ${db.logins}); ${db.commandLists
        .map((l) => `${l.commands.join('+') || '(none)'} x${l.count}`)
        .join('; ')}`,
    );
  console.log('\n  DynamoDB per login (all concurrencies and rule counts together; commands in completion order; extra reads are caches being refreshed):');
  dbLine('password-realm', s.db.password);
  dbLine('refresh_token', s.db.refresh);
  console.log(`  Login user item ${bench.userItemBytes} B. Load average (1/5/15 min) at the start of the login runs ${bench.loadAtStart.join(' / ')}, at the end ${bench.loadAtEnd.join(' / ')}.`);
}

/** `BENCH_ONLY=spinning`: requests while two logins spin, its report and targets. */
async function spinningOnly(input: Parameters<SpinningModule['benchSpinning']>[0], wallStarted: number): Promise<void> {
  const { benchSpinning, printSpinning, spinningTargets } = await import('#test/bench/spinning');
  const spinning = await benchSpinning(input);
  printSpinning(spinning);
  const targets = spinningTargets(spinning);
  console.log('\n== Targets ==');
  for (const t of targets) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}`);
  const results = {
    timestamp: new Date().toISOString(),
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverageAtEnd: loadavg().map((n) => round(n, 2)) },
    spinning,
    targets,
    totalSeconds: round((performance.now() - wallStarted) / 1000, 1),
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'results-spinning.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nResults written to ${join(OUT_DIR, 'results-spinning.json')} (total ${results.totalSeconds} s)`);
}

/** `BENCH_ONLY=search`: the search section on the freshly seeded tenant, its report and targets. */
async function searchOnly(progress: (message: string) => void, wallStarted: number): Promise<void> {
  const search = await (await import('#test/bench/search-run')).benchSearch(progress);
  printSearch(search);
  const targets = searchTargets(search);
  console.log('\n== Targets ==');
  for (const t of targets) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}`);
  const results = {
    timestamp: new Date().toISOString(),
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverageAtEnd: loadavg().map((n) => round(n, 2)) },
    search,
    targets,
    totalSeconds: round((performance.now() - wallStarted) / 1000, 1),
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'results-search.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nResults written to ${join(OUT_DIR, 'results-search.json')} (total ${results.totalSeconds} s)`);
}

interface FirstCall {
  route: RouteId;
  commands: string[];
  readUnits: number;
  writeUnits: number;
  /** What the measured requests of that route usually issue. */
  steady: string[];
}

/** The first request of each measured route in this process, where it did different DynamoDB work (cold caches). */
function firstCallsOf(ops: OpResult[]): FirstCall[] {
  const out: FirstCall[] = [];
  for (const op of ops) {
    if (out.some((f) => f.route === op.route)) continue;
    const first = allRecords.find((r) => r.route === op.route);
    const steady = op.db.commandLists[0]?.commands ?? [];
    if (first && first.db.commands.join(',') !== steady.join(',')) {
      out.push({ route: op.route, commands: first.db.commands, readUnits: first.db.readUnits, writeUnits: first.db.writeUnits, steady });
    }
  }
  return out;
}

const NOTES = [
  'Latency includes DynamoDB Local (Java, SQLite-backed) over loopback and an HTTP client in the same Node process: it is not DynamoDB latency.',
  'RCU/WCU are what DynamoDB Local reports (ReturnConsumedCapacity). For TransactWriteItems of items <= 1 KB it reported 2 WCU for two items, where AWS documents 2 WCU per item (4 WCU): create and delete would be billed 4 WCU on AWS.',
  'Item sizes use DynamoDB item-size rules; they agree with DynamoDB Local at the 1 KB and 4 KB capacity boundaries.',
];

function table(headers: string[], rows: string[][], rightAlign: Set<number>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.map(line)].join('\n');
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const units = (n: number, r: [number, number]) => (r[0] === r[1] ? fmt(n, 1) : `${fmt(n, 2)} (${r[0]}-${r[1]})`);

function printReport(input: {
  ops: OpResult[];
  firstCalls: FirstCall[];
  load: [number[], number[]];
  bundles: BundleResult[];
  baselineMs: number;
  targets: TargetResult[];
  typicalUserBytes: number;
  bigUserBytes: number;
  metadataBytes: number;
  logins: LoginBench;
  loginSummary: LoginSummary;
  search: SearchBench;
}): void {
  console.log('\n== Operations over HTTP (DynamoDB Local in memory; server and client share this process) ==');
  const rows = input.ops.map((op) => [
    op.name,
    String(op.concurrency),
    String(op.n),
    fmt(op.latencyMs.p50),
    fmt(op.latencyMs.p99),
    fmt(op.handlerMs.p50),
    fmt(op.reqPerSec, 0),
    units(op.db.requests, op.db.requestsRange),
    units(op.db.readUnits, op.db.readUnitsRange),
    units(op.db.writeUnits, op.db.writeUnitsRange),
    describeCommands(op.db.commandLists),
    op.errors > 0 ? `${op.errors} errors` : '',
  ]);
  console.log(
    table(
      ['operation', 'c', 'n', 'p50 ms', 'p99 ms', 'handler p50', 'req/s', 'DB req', 'RCU', 'WCU', 'commands', ''],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ),
  );
  for (const f of input.firstCalls) {
    console.log(
      `  first ${f.route} request of the run: ${f.commands.join('+') || '(no DynamoDB request)'} (${f.readUnits} RCU, ${f.writeUnits} WCU), steady state ${f.steady.join('+') || '(none)'}: cold caches`,
    );
  }
  for (const op of input.ops) {
    if (op.firstError) console.log(`  ${op.name}: ${op.errors} unexpected answers, first: ${op.firstError}`);
  }
  console.log(
    `  created users carry ${input.metadataBytes} B of user_metadata + app_metadata JSON; stored item ${input.typicalUserBytes} B; the "4 KB user" item is ${input.bigUserBytes} B (DynamoDB item-size rules).`,
  );
  console.log('  RCU/WCU: per request, as DynamoDB Local reports them; a range (min-max) means they varied. "handler p50" is the time inside the Lambda handler.');
  for (const note of NOTES) console.log(`  Note: ${note}`);
  const [start, end] = input.load;
  const cores = cpus().length;
  const busy = Math.max(start[0] ?? 0, end[0] ?? 0) > cores * 0.75;
  console.log(
    `  Load average (1/5/15 min) at start ${start.join(' / ')}, at end ${end.join(' / ')} on ${cores} cores${busy ? ': the machine was busy with other work, so timings are noisy' : ''}.`,
  );

  printLogins(input.logins, input.loginSummary);
  printSearch(input.search);

  console.log(`\n== Lambda bundles (esbuild, infra/bundling.ts options; fresh-process baseline \`node -e ''\` = ${fmt(input.baselineMs, 1)} ms wall) ==`);
  console.log(
    table(
      ['route', 'handler', 'minified B', 'gzip B', 'cold import ms (median)', 'min', 'process wall ms', ''],
      input.bundles.map((b) => [
        b.route,
        b.handler,
        b.bytes.toLocaleString('en-US'),
        b.gzipBytes.toLocaleString('en-US'),
        b.importMs === undefined ? 'failed' : fmt(b.importMs, 1),
        b.importMinMs === undefined ? '-' : fmt(b.importMinMs, 1),
        b.processMs === undefined ? '-' : fmt(b.processMs, 1),
        b.error ?? '',
      ]),
      new Set([2, 3, 4, 5, 6]),
    ),
  );

  const largest = input.bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  console.log(
    `  Largest (${largest.route}) by source: ${largest.largestSources.map((x) => `${x.source} ${(x.bytes / 1000).toFixed(0)} kB`).join(', ')}`,
  );

  console.log('\n== Targets ==');
  for (const t of input.targets) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}`);
  const missed = input.targets.filter((t) => !t.pass);
  console.log(missed.length === 0 ? 'All targets met.' : `MISSED ${missed.length} of ${input.targets.length} targets: ${missed.map((t) => t.target).join('; ')}`);
}

main().then(
  () => {
    process.exitCode = 0;
    // The SDK's keep-alive sockets to the stopped DynamoDB Local must not hold the process open.
    setTimeout(() => process.exit(0), 2000).unref();
  },
  (error: unknown) => {
    console.error(error instanceof JavaMissingError ? error.message : error);
    process.exit(1);
  },
);
