import { createHash, randomBytes } from 'node:crypto';
import type { RequestRecord } from '#shared/http/handler';
import type { RouteId } from '#shared/http/routes';
import { commandSet } from '#test/bench/custom-api';
import type { BenchRequest, BenchResponse, HttpClient } from '#test/bench/http';
import { mean, percentile, round } from '#test/bench/stats';

/**
 * The hosted login as a browser drives it, over HTTP against the bench's local server: a cookie
 * jar (`did`, `auth0`), PKCE, the screens' hidden fields, the redirects. Each step is one request,
 * sent alone (c=1), so the handler records completed while it was in flight are its own.
 * measureFlow runs a flow of such steps and sums each step's figures (and the whole flow's).
 */
export interface StepSample {
  ms: number;
  /** The handler's record of this request (DynamoDB requests, commands and capacity). */
  record: RequestRecord;
}

export class BenchBrowser {
  private readonly jar = new Map<string, string>();

  constructor(
    private readonly client: HttpClient,
    private readonly records: readonly RequestRecord[],
  ) {}

  cookieNames(): string[] {
    return [...this.jar.keys()];
  }

  /** One request of `route`, with the jar's cookies; the response's Set-Cookie values go into the jar. */
  async step(route: RouteId, req: BenchRequest): Promise<{ res: BenchResponse; sample: StepSample }> {
    const before = this.records.length;
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.client.send({ ...req, headers: { ...req.headers, ...(cookie ? { cookie } : {}) } });
    this.keep(res);
    const mine = this.records.slice(before).filter((r) => r.route === route);
    if (mine.length !== 1) throw new Error(`${req.method} ${req.path}: ${mine.length} handler records of ${route}, expected 1`);
    return { res, sample: { ms: res.ms, record: mine[0]! } };
  }

  private keep(res: BenchResponse): void {
    for (const line of res.headers['set-cookie'] ?? []) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/i.test(line) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The hidden inputs of a page's form (`state`, `_csrf`), as the browser would post them back. */
export function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1];
    if (name !== undefined && value !== undefined) out[name] = value.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return out;
}

/** The form's action (`/u/login?state=…`), unescaped. */
export function formAction(page: string): string | undefined {
  return /<form[^>]*action="([^"]*)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
}

/** A redirect's target as a path the bench's client sends to the service, and its query. */
export function redirectTarget(res: BenchResponse): { url: URL; path: string; params: Record<string, string> } {
  const location = res.headers.location;
  if (typeof location !== 'string') throw new Error(`HTTP ${res.status} without a Location: ${res.body.slice(0, 300)}`);
  const url = new URL(location, 'http://service.invalid');
  return { url, path: `${url.pathname}${url.search}`, params: Object.fromEntries(url.searchParams) };
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export interface StepStats {
  step: string;
  route: RouteId;
  n: number;
  latencyMs: { p50: number; p95: number; mean: number };
  handlerMs: { p50: number; p95: number };
  db: { requests: number; readUnits: number; writeUnits: number; requestsRange: [number, number]; readUnitsRange: [number, number]; writeUnitsRange: [number, number] };
  /** Each distinct command multiset, most frequent first. */
  commands: { commands: string; count: number }[];
  /** The most frequent multiset, with the most it consumed (the steady state). */
  steady: { commands: string; reads: string; count: number; readUnits: number; writeUnits: number };
}

export interface FlowStats {
  name: string;
  warmup: number;
  n: number;
  errors: number;
  firstError?: string;
  steps: StepStats[];
  /** The whole flow, per iteration: its HTTP requests summed. */
  total: StepStats & { httpRequests: number; perSecond: number };
}

/** One iteration's steps, or the reason it failed. */
export type Iteration = (i: number) => Promise<StepSample[]>;

/** `warmup` then `count` iterations at c=1: each step's figures, and the whole flow's (its requests summed). */
export async function measureFlow(flowName: string, stepNames: string[], warmup: number, count: number, iteration: Iteration): Promise<FlowStats> {
  let errors = 0;
  let firstError: string | undefined;
  const samples: StepSample[][] = [];
  for (let i = 0; i < warmup + count; i++) {
    try {
      const steps = await iteration(i);
      if (i >= warmup) samples.push(steps);
    } catch (error) {
      errors += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
  const steps = stepNames.map((step, s) => stepStats(step, samples.map((it) => it[s]!)));
  const wholes = samples.map(sumSamples);
  const total = stepStats(`${flowName}, whole`, wholes);
  return {
    name: flowName, warmup, n: samples.length, errors, ...(firstError ? { firstError } : {}), steps,
    total: { ...total, httpRequests: stepNames.length, perSecond: round(1000 / total.latencyMs.mean, 1) },
  };
}

/** Several steps of one iteration as one sample: their times, requests, capacity and commands summed. */
export function sumSamples(it: StepSample[]): StepSample {
  const sum = (f: (x: StepSample) => number) => it.reduce((total, x) => total + f(x), 0);
  return {
    ms: sum((x) => x.ms),
    record: {
      requestId: '', route: it[0]!.record.route, status: 0, ms: sum((x) => x.record.ms),
      db: {
        requests: sum((x) => x.record.db.requests),
        readUnits: sum((x) => x.record.db.readUnits),
        writeUnits: sum((x) => x.record.db.writeUnits),
        itemsRead: sum((x) => x.record.db.itemsRead),
        commands: it.flatMap((x) => x.record.db.commands),
      },
    },
  };
}

export function stepStats(step: string, samples: StepSample[]): StepStats {
  const ms = samples.map((s) => s.ms);
  const handler = samples.map((s) => s.record.ms);
  const db = samples.map((s) => s.record.db);
  const range = (values: number[]): [number, number] => (values.length ? [round(Math.min(...values), 3), round(Math.max(...values), 3)] : [0, 0]);
  const counts = new Map<string, number>();
  for (const d of db) counts.set(commandSet(d.commands), (counts.get(commandSet(d.commands)) ?? 0) + 1);
  const commands = [...counts].map(([c, count]) => ({ commands: c, count })).sort((a, b) => b.count - a.count);
  const top = commands[0] ?? { commands: '(none)', count: 0 };
  const same = db.filter((d) => commandSet(d.commands) === top.commands);
  const max = (f: (d: (typeof db)[number]) => number) => (same.length ? round(Math.max(...same.map(f)), 3) : 0);
  return {
    step,
    route: samples[0]?.record.route ?? 'authorize',
    n: samples.length,
    latencyMs: { p50: round(percentile(ms, 0.5)), p95: round(percentile(ms, 0.95)), mean: round(mean(ms)) },
    handlerMs: { p50: round(percentile(handler, 0.5)), p95: round(percentile(handler, 0.95)) },
    db: {
      requests: round(mean(db.map((d) => d.requests)), 3),
      readUnits: round(mean(db.map((d) => d.readUnits)), 3),
      writeUnits: round(mean(db.map((d) => d.writeUnits)), 3),
      requestsRange: range(db.map((d) => d.requests)),
      readUnitsRange: range(db.map((d) => d.readUnits)),
      writeUnitsRange: range(db.map((d) => d.writeUnits)),
    },
    commands,
    steady: {
      commands: top.commands,
      reads: commandSet(same[0]?.commands.filter((c) => READS.has(c)) ?? []),
      count: top.count,
      readUnits: max((d) => d.readUnits),
      writeUnits: max((d) => d.writeUnits),
    },
  };
}

/** argon2id verification alone, with the service's parameters: what POST /u/login cannot avoid. */
