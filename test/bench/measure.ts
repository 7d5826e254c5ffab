import type { RequestRecord } from '#shared/http/handler';
import type { RouteId } from '#shared/http/routes';
import type { CpuMeter } from '#test/bench/cpu';
import type { BenchRequest, BenchResponse, HttpClient } from '#test/bench/http';
import { round, summarise, summariseDb, type DbSummary, type LatencySummary } from '#test/bench/stats';

/** One measured operation: a warm-up at c=1, then `count` requests from `concurrency` workers. */
export interface OpSpec {
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

export interface OpResult {
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

/** Where the handler wrapper's records go while a phase collects them. */
export interface Recorder {
  /** From now on, completed requests are also pushed to `into` (undefined: to no phase). */
  collect(into: RequestRecord[] | undefined): void;
}

export async function runOp(http: HttpClient, spec: OpSpec, recorder: Recorder, cpu: CpuMeter): Promise<OpResult> {
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
  recorder.collect(warm);
  for (let i = 0; i < spec.warmup; i++) check(i, await http.send(spec.request(i, 0)), 0);

  const records: RequestRecord[] = [];
  recorder.collect(records);
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
  recorder.collect(undefined);

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

export function fail(message: string): never {
  throw new Error(message);
}

/** A Management API create through `client` with `auth`: the created resource's body, or a failed run. */
export function managementCreate(client: HttpClient, auth: Record<string, string>) {
  return async (path: string, body: unknown, what: string): Promise<Record<string, unknown>> => {
    const res = await client.send({ method: 'POST', path, headers: auth, body });
    if (res.status !== 201) fail(`${what}: POST ${path} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  };
}
