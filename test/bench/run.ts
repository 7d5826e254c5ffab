/**
 * `npm run bench`: the service on this machine (DynamoDB Local in memory, the local server with
 * every route), measured over HTTP per Management/Authentication API operation, with DynamoDB's
 * own consumed-capacity figures per request; then every route's Lambda bundle (size, cold import).
 * Prints a table, checks the performance targets, writes everything to .bench/results.json.
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
import { ensureTable, freePort, JavaMissingError, localClient, startDynamoDbLocal, type LocalDynamo } from '#infra/local/dynamodb-local';
import { userKey } from '#shared/db/keys';
import type { RequestRecord } from '#shared/http/handler';
import { routes, type RouteId } from '#shared/http/routes';
import { baselineProcessMs, bundleAll, type BundleResult } from '#test/bench/bundles';
import { createHttpClient, type BenchRequest, type BenchResponse, type HttpClient } from '#test/bench/http';
import { itemSize } from '#test/bench/item-size';
import { describeCommands, round, summarise, summariseDb, type DbSummary, type LatencySummary } from '#test/bench/stats';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT_DIR = join(REPO_ROOT, '.bench');
const TABLE_NAME = 'bench';

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
  request: (i: number) => BenchRequest;
  onResponse?: (i: number, res: BenchResponse) => void;
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

async function runOp(http: HttpClient, spec: OpSpec): Promise<OpResult> {
  let errors = 0;
  let firstError: string | undefined;
  const check = (i: number, res: BenchResponse) => {
    if (res.status !== spec.expect) {
      errors += 1;
      firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
    }
    spec.onResponse?.(i, res);
  };

  const warm: RequestRecord[] = [];
  sink = warm;
  for (let i = 0; i < spec.warmup; i++) check(i, await http.send(spec.request(i)));

  const records: RequestRecord[] = [];
  sink = records;
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= spec.count) return;
      const res = await http.send(spec.request(spec.warmup + i));
      latencies.push(res.ms);
      check(spec.warmup + i, res);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const elapsed = performance.now() - started;
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
    await ensureTable(endpoint, TABLE_NAME);
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
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
    const targets = checkTargets({ createRecords, patchRuns: [patchSeq, patchConc], bigGet, bigUserBytes, bundles });
    const firstCalls = firstCallsOf(ops);
    const loadAtEnd = loadavg().map((n) => round(n, 2));

    // 6. Report.
    printReport({ ops, firstCalls, bundles, baselineMs, targets, typicalUserBytes, bigUserBytes, metadataBytes, load: [loadAtStart, loadAtEnd] });
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
