import { cpus } from 'node:os';
import type { RequestRecord } from '#shared/http/handler';
import type { RouteId } from '#shared/http/routes';
import { CONCURRENCY, type ServiceContext } from '#test/bench/context';
import { fmt, table, units } from '#test/bench/format';
import type { BenchRequest } from '#test/bench/http';
import { fail, type OpResult, type OpSpec } from '#test/bench/measure';
import type { RunInfo, Section, TargetCheck } from '#test/bench/section';
import { describeCommands } from '#test/bench/stats';
import { createBodyFor, METADATA_BYTES, userPath, type CreateBody } from '#test/bench/users-data';

/**
 * The operations over HTTP: Management API user CRUD (create, GET by id and by email, PATCH of
 * metadata and of a root field, DELETE) and the client_credentials grant, each at c=1 and the hot
 * ones at c=8, with DynamoDB's consumed capacity per request; the stored size of a typical user
 * and of a "4 KB user". Targets: a 4 KB GET costs 1 RCU, a metadata PATCH is one UpdateItem,
 * a create is one transaction.
 */
export const name = 'users';

/** Iteration counts: c=1 runs, then one concurrent run for the hot reads and writes. */
const WARMUP = 20;
const ITERATIONS = 200;
const CREATE_WARMUP = 5;
const CREATE_ITERATIONS = 60;
const DELETE_WARMUP = 5;
const CONCURRENT_ITERATIONS = 800;
const BIG_USER_TARGET_BYTES = 4080;
/** Mixed, unmeasured traffic first: DynamoDB Local's JVM is several times slower until it has warmed up. */
const PREWARM_USERS = 8;
const PREWARM_REQUESTS = 3000;
const BIG_USER_GETS = 20;
const READ_COMMANDS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export const NOTES = [
  'Latency includes DynamoDB Local (Java, SQLite-backed) over loopback and an HTTP client in the same Node process: it is not DynamoDB latency.',
  'RCU/WCU are what DynamoDB Local reports (ReturnConsumedCapacity). For TransactWriteItems of items <= 1 KB it reported 2 WCU for two items, where AWS documents 2 WCU per item (4 WCU): create and delete would be billed 4 WCU on AWS.',
  'Item sizes use DynamoDB item-size rules; they agree with DynamoDB Local at the 1 KB and 4 KB capacity boundaries.',
];

interface FirstCall {
  route: RouteId;
  commands: string[];
  readUnits: number;
  writeUnits: number;
  /** What the measured requests of that route usually issue. */
  steady: string[];
}

export interface UsersResults {
  ops: OpResult[];
  firstCalls: FirstCall[];
  patchRuns: OpResult[];
  bigGet: OpResult;
  typicalUserBytes: number;
  bigUserBytes: number;
  bigUserSizeAsCreated: number;
}

export async function run(ctx: ServiceContext): Promise<UsersResults> {
  const { progress, auth } = ctx;
  const runId = Date.now().toString(36);
  const createBody = createBodyFor(ctx.credentials.connection);
  const users: { id: string; email: string }[] = [];
  const pick = (i: number) => users[i % users.length] ?? fail('no users were created');
  const ops: OpResult[] = [];
  const measure = async (spec: OpSpec) => {
    progress(`${spec.name}: ${spec.warmup} warm-up + ${spec.count} at c=${spec.concurrency}`);
    const result = await ctx.measure(spec);
    ops.push(result);
    return result;
  };
  const hot = (spec: Omit<OpSpec, 'warmup' | 'count' | 'concurrency'>) =>
    [{ ...spec, warmup: WARMUP, count: ITERATIONS, concurrency: 1 }, { ...spec, warmup: 0, count: CONCURRENT_ITERATIONS, concurrency: CONCURRENCY }];

  await prewarm(ctx, runId, createBody);
  for (const spec of hot({ name: 'POST /oauth/token (client_credentials)', route: 'oauth-token', expect: 200, request: () => ({ method: 'POST', path: '/oauth/token', body: ctx.tokenBody }) })) {
    await measure(spec);
  }

  const createOp = await measure({
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
  const typicalUserBytes = await ctx.storedSize(pick(0).id);

  for (const spec of hot({ name: 'GET /api/v2/users/{id}', route: 'users-get', expect: 200, request: (i) => ({ method: 'GET', path: userPath(pick(i).id), headers: auth }) })) {
    await measure(spec);
  }
  await measure({
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
  const patchRuns: OpResult[] = [];
  for (const spec of hot({ name: 'PATCH /api/v2/users/{id} (user_metadata)', route: 'users-update', expect: 200, request: metadataPatch })) {
    patchRuns.push(await measure(spec));
  }
  await measure({
    name: 'PATCH /api/v2/users/{id} (given_name)',
    route: 'users-update',
    warmup: WARMUP,
    count: ITERATIONS,
    concurrency: 1,
    expect: 200,
    request: (i) => ({ method: 'PATCH', path: userPath(pick(i).id), headers: auth, body: { given_name: `Bench${i}` } }),
  });

  const big = await bigUser(ctx, runId, createBody);
  const bigGet = await measure({
    name: 'GET /api/v2/users/{id} (4 KB user)',
    route: 'users-get',
    warmup: 2,
    count: BIG_USER_GETS,
    concurrency: 1,
    expect: 200,
    request: () => ({ method: 'GET', path: userPath(big.id), headers: auth }),
  });

  // Delete everything created: the 4 KB user and the first few as warm-up (their costs differ).
  const toDelete = [big.id, ...users.map((u) => u.id)];
  await measure({
    name: 'DELETE /api/v2/users/{id}',
    route: 'users-delete',
    warmup: DELETE_WARMUP,
    count: toDelete.length - DELETE_WARMUP,
    concurrency: 1,
    expect: 204,
    request: (i) => ({ method: 'DELETE', path: userPath(toDelete[i] ?? fail('no user to delete')), headers: auth }),
  });
  return {
    ops,
    firstCalls: firstCallsOf(ops, ctx.records),
    patchRuns,
    bigGet,
    typicalUserBytes,
    bigUserBytes: big.bytes,
    bigUserSizeAsCreated: big.sizeAsCreated,
  };
}

/** Unmeasured mixed traffic over throwaway users, so no operation is measured on a cold JVM. */
async function prewarm(ctx: ServiceContext, runId: string, createBody: CreateBody): Promise<void> {
  const { client, auth } = ctx;
  ctx.progress(`warming up: ${PREWARM_USERS} throwaway users, ${PREWARM_REQUESTS} mixed requests at c=${CONCURRENCY}`);
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
    () => ({ method: 'POST', path: '/oauth/token', body: ctx.tokenBody }),
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
}

/** The "4 KB user": metadata padded so the stored item lands just under 4,096 bytes. */
async function bigUser(ctx: ServiceContext, runId: string, createBody: CreateBody): Promise<{ id: string; bytes: number; sizeAsCreated: number }> {
  const { client, auth } = ctx;
  ctx.progress(`4 KB user: create, pad to ~${BIG_USER_TARGET_BYTES} bytes, ${BIG_USER_GETS} GETs`);
  const padStart = 1400;
  const bigRes = await client.send({
    method: 'POST',
    path: '/api/v2/users',
    headers: auth,
    body: createBody(`bench-${runId}-big@example.com`, { pad_a: 'a'.repeat(padStart), pad_b: 'b'.repeat(padStart) }),
  });
  if (bigRes.status !== 201) fail(`creating the 4 KB user answered ${bigRes.status}: ${bigRes.body}`);
  const id = (JSON.parse(bigRes.body) as { user_id: string }).user_id;
  const sizeAsCreated = await ctx.storedSize(id);
  const delta = BIG_USER_TARGET_BYTES - sizeAsCreated;
  const padA = Math.max(1, Math.min(2000, padStart + Math.ceil(delta / 2)));
  const padB = Math.max(1, Math.min(2000, padStart + Math.floor(delta / 2)));
  const padRes = await client.send({
    method: 'PATCH',
    path: userPath(id),
    headers: auth,
    body: { user_metadata: { pad_a: 'a'.repeat(padA), pad_b: 'b'.repeat(padB) } },
  });
  if (padRes.status !== 200) fail(`padding the 4 KB user answered ${padRes.status}: ${padRes.body}`);
  return { id, bytes: await ctx.storedSize(id), sizeAsCreated };
}

/** The first request of each measured route in this process, where it did different DynamoDB work (cold caches). */
function firstCallsOf(ops: OpResult[], records: readonly RequestRecord[]): FirstCall[] {
  const out: FirstCall[] = [];
  for (const op of ops) {
    if (out.some((f) => f.route === op.route)) continue;
    const first = records.find((r) => r.route === op.route);
    const steady = op.db.commandLists[0]?.commands ?? [];
    if (first && first.db.commands.join(',') !== steady.join(',')) {
      out.push({ route: op.route, commands: first.db.commands, readUnits: first.db.readUnits, writeUnits: first.db.writeUnits, steady });
    }
  }
  return out;
}

/** Every create of the run counts, the other sections' included (their users are created the same way). */
export function targets(results: UsersResults, run: RunInfo): TargetCheck[] {
  const out: TargetCheck[] = [];
  const { bigGet, bigUserBytes } = results;
  const bigReads = [...bigGet.warmupRecords, ...bigGet.records].map((r) => r.db.readUnits);
  const maxBigRead = Math.max(...bigReads);
  out.push({
    target: 'GET by id of a <=4 KB user costs <= 1 read unit',
    pass: bigUserBytes <= 4096 && maxBigRead <= 1 && bigGet.errors === 0,
    detail: `item ${bigUserBytes} B; read units per GET ${maxBigRead} (max of ${bigReads.length})`,
  });

  const patchRecords = results.patchRuns.flatMap((r) => [...r.warmupRecords, ...r.records]);
  const badPatches = patchRecords.filter((r) => r.db.requests !== 1 || r.db.readUnits !== 0 || r.db.commands.join(',') !== 'UpdateItem');
  out.push({
    target: "metadata PATCH is exactly 1 DynamoDB request, 0 reads (['UpdateItem'])",
    pass: badPatches.length === 0 && patchRecords.length > 0,
    detail:
      badPatches.length === 0
        ? `${patchRecords.length}/${patchRecords.length} requests were UpdateItem only, 0 read units`
        : `${badPatches.length}/${patchRecords.length} requests differ, e.g. ${JSON.stringify(badPatches[0]!.db)}`,
  });

  const createRecords = run.records.filter((r) => r.route === 'users-create');
  const writesOf = (r: RequestRecord) => r.db.commands.filter((c) => !READ_COMMANDS.has(c));
  const badCreates = createRecords.filter((r) => writesOf(r).join(',') !== 'TransactWriteItems');
  const withReads = createRecords.filter((r) => r.db.commands.some((c) => READ_COMMANDS.has(c)));
  const readNote =
    withReads.length === 0
      ? 'no reads'
      : `${withReads.length} of ${createRecords.length} also read first: ${withReads.map((r) => r.db.commands.join('+')).join('; ')} (cold signing-key and connection caches; the connection cache lasts 30 s)`;
  out.push({
    target: "create is exactly one transaction (one 'TransactWriteItems', no other writes)",
    pass: badCreates.length === 0 && createRecords.length > 0,
    detail:
      badCreates.length === 0
        ? `${createRecords.length}/${createRecords.length} creates: one TransactWriteItems; ${readNote}`
        : `${badCreates.length}/${createRecords.length} creates differ, e.g. ${badCreates[0]!.db.commands.join('+')}`,
  });
  return out;
}

export function report(results: UsersResults, run: RunInfo): string {
  const lines = ['\n== Operations over HTTP (DynamoDB Local in memory; server and client share this process) =='];
  const rows = results.ops.map((op) => [
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
  lines.push(table(['operation', 'c', 'n', 'p50 ms', 'p99 ms', 'handler p50', 'req/s', 'DB req', 'RCU', 'WCU', 'commands', ''], rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9])));
  for (const f of results.firstCalls) {
    lines.push(
      `  first ${f.route} request of the run: ${f.commands.join('+') || '(no DynamoDB request)'} (${f.readUnits} RCU, ${f.writeUnits} WCU), steady state ${f.steady.join('+') || '(none)'}: cold caches`,
    );
  }
  for (const op of results.ops) {
    if (op.firstError) lines.push(`  ${op.name}: ${op.errors} unexpected answers, first: ${op.firstError}`);
  }
  lines.push(
    `  created users carry ${METADATA_BYTES} B of user_metadata + app_metadata JSON; stored item ${results.typicalUserBytes} B; the "4 KB user" item is ${results.bigUserBytes} B (DynamoDB item-size rules).`,
  );
  lines.push('  RCU/WCU: per request, as DynamoDB Local reports them; a range (min-max) means they varied. "handler p50" is the time inside the Lambda handler.');
  for (const note of NOTES) lines.push(`  Note: ${note}`);
  const { atStart: start, atEnd: end } = run.load;
  const cores = cpus().length;
  const busy = Math.max(start[0] ?? 0, end[0] ?? 0) > cores * 0.75;
  lines.push(
    `  Load average (1/5/15 min) at start ${start.join(' / ')}, at end ${end.join(' / ')} on ${cores} cores${busy ? ': the machine was busy with other work, so timings are noisy' : ''}.`,
  );
  return lines.join('\n');
}

/** This section's parts of results.json. */
export function json(results: UsersResults) {
  return {
    setup: {
      store: 'DynamoDB Local (in memory) over loopback; server and client in one process',
      warmup: WARMUP,
      iterations: ITERATIONS,
      createIterations: CREATE_ITERATIONS,
      concurrency: CONCURRENCY,
      concurrentIterations: CONCURRENT_ITERATIONS,
      createMetadataBytes: METADATA_BYTES,
    },
    operations: results.ops.map(({ records: _r, warmupRecords: _w, ...op }) => op),
    firstCalls: results.firstCalls,
    notes: NOTES,
    users: { typicalUserItemBytes: results.typicalUserBytes, bigUserItemBytes: results.bigUserBytes, bigUserSizeAsCreated: results.bigUserSizeAsCreated },
  };
}

export const section = { name, run, report, targets } satisfies Section<UsersResults, ServiceContext>;
