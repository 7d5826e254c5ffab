import { loadavg } from 'node:os';
import type { ServiceContext } from '#test/bench/context';
import type { BenchRequest, HttpClient } from '#test/bench/http';
import { PASSWORD_REALM_GRANT } from '#test/bench/login-probes';
import type { TargetCheck } from '#test/bench/section';
import { round, summarise, type LatencySummary } from '#test/bench/stats';

/**
 * Issue 8: other requests while two logins spin. A rule loops forever for users flagged in
 * app_metadata; two such users log in at once and spin for the whole login budget
 * (EXTENSIONS_BUDGET_MS) on two of the pool's workers, while JWKS, GET user and client_credentials
 * are sent back to back (each in its own loop, the three side by side), and the same for as long
 * with nothing spinning. Service modules are imported lazily (the context sets the environment first).
 */
export const name = 'spinning';
export const SPIN_TARGET_P99_MS = 50;
/** An idle phase this long; the spinning phase lasts as long as the two logins. */
const IDLE_MS = 5_000;
const WARM_MS = 1_000;
const POOL_READY_TIMEOUT_MS = 120_000;
const RULE_ACTIVE_TIMEOUT_MS = 45_000;
const PASSWORD = 'Bench-Spin-Passw0rd!';
const CLAIM = 'https://bench.example/spin-rule';

const SPIN_RULE = `function (user, context, callback) {
  if (user.app_metadata && user.app_metadata.bench_spin) { while (true) {} }
  context.idToken['${CLAIM}'] = true;
  callback(null, user, context);
}`;

type Measured = Record<string, LatencySummary & { n: number }>;

export interface SpinningBench {
  budgetMs: number;
  workers: number;
  idle: Measured;
  spinning: Measured;
  /** The two spinning logins: HTTP status and wall time. */
  logins: { status: number; ms: number }[];
  load: { atStart: number[]; atEnd: number[] };
}

export async function run({ client, credentials, auth, progress }: ServiceContext): Promise<SpinningBench> {
  const atStart = loadavg().map((n) => round(n, 2));
  const { config } = await import('#shared/platform/config');
  const { inProcessPool } = await import('#shared/sandbox/runner');
  const send = async (req: BenchRequest, expect: number) => {
    const res = await client.send(req);
    if (res.status !== expect) throw new Error(`${req.method} ${req.path} answered ${res.status}: ${res.body.slice(0, 300)}`);
    return res;
  };
  const runId = Date.now().toString(36);
  const createUser = async (name: string, appMetadata: Record<string, unknown>) => {
    const email = `spin-${runId}-${name}@example.com`;
    const body = { connection: credentials.connection, email, password: PASSWORD, app_metadata: appMetadata };
    const res = await send({ method: 'POST', path: '/api/v2/users', headers: auth, body }, 201);
    return { email, path: `/api/v2/users/${encodeURIComponent((JSON.parse(res.body) as { user_id: string }).user_id)}` };
  };
  const login = (email: string): BenchRequest => ({
    method: 'POST', path: '/oauth/token',
    body: {
      grant_type: PASSWORD_REALM_GRANT, realm: credentials.connection, username: email, password: PASSWORD, scope: 'openid',
      client_id: credentials.application.client_id, client_secret: credentials.application.client_secret,
    },
  });

  progress('spinning: a rule that loops for flagged users, two users');
  const plain = await createUser('plain', {});
  const spinner = await createUser('spinner', { bench_spin: true });
  const rule = await send({ method: 'POST', path: '/api/v2/rules', headers: auth, body: { name: `bench-spin-${runId}`, script: SPIN_RULE, enabled: true } }, 201);
  const ruleId = (JSON.parse(rule.body) as { id: string }).id;
  try {
    // The rule reaches logins once the extensions cache expires; its claim says when.
    for (const created = performance.now(); !idTokenHas((await send(login(plain.email), 200)).body, CLAIM); await sleep(500)) {
      if (performance.now() - created > RULE_ACTIVE_TIMEOUT_MS) throw new Error(`the rule did not reach logins within ${RULE_ACTIVE_TIMEOUT_MS} ms`);
    }
    const pool = await inProcessPool();
    if (!pool) throw new Error('the logins did not start the in-process worker pool (is RULES_RUNNER_FUNCTION_NAME set?)');
    progress(`spinning: waiting for the pool's ${config.EXTENSIONS_WORKERS} workers to start`);
    for (const started = performance.now(); pool.workers.ready < config.EXTENSIONS_WORKERS; await sleep(100)) {
      if (performance.now() - started > POOL_READY_TIMEOUT_MS) throw new Error(`the worker pool did not start within ${POOL_READY_TIMEOUT_MS} ms`);
    }

    const requests: Record<string, BenchRequest> = {
      'GET /.well-known/jwks.json': { method: 'GET', path: '/.well-known/jwks.json' },
      'GET /api/v2/users/{id}': { method: 'GET', path: plain.path, headers: auth },
      'POST /oauth/token (client_credentials)': {
        method: 'POST', path: '/oauth/token',
        body: { grant_type: 'client_credentials', client_id: credentials.management.client_id, client_secret: credentials.management.client_secret, audience: credentials.management.audience },
      },
    };
    const measure = (until: Promise<unknown>) => measureUntil(client, requests, until);
    await measure(sleep(WARM_MS));
    progress(`spinning: idle, ${IDLE_MS / 1000} s`);
    const idle = await measure(sleep(IDLE_MS));
    progress(`spinning: two logins spin for their budget (${config.EXTENSIONS_BUDGET_MS / 1000} s)`);
    const spins = [0, 1].map(async () => {
      const res = await client.send(login(spinner.email));
      return { status: res.status, ms: round(res.ms, 0) };
    });
    const spinning = await measure(Promise.all(spins));
    return {
      budgetMs: config.EXTENSIONS_BUDGET_MS, workers: config.EXTENSIONS_WORKERS, idle, spinning, logins: await Promise.all(spins),
      load: { atStart, atEnd: loadavg().map((n) => round(n, 2)) },
    };
  } finally {
    await client.send({ method: 'DELETE', path: `/api/v2/rules/${encodeURIComponent(ruleId)}`, headers: auth });
  }
}

/** Each request in its own loop, back to back, the loops side by side, until `until` settles. */
async function measureUntil(client: HttpClient, requests: Record<string, BenchRequest>, until: Promise<unknown>): Promise<Measured> {
  let done = false;
  void until.finally(() => (done = true));
  const entries = await Promise.all(
    Object.entries(requests).map(async ([name, req]) => {
      const ms: number[] = [];
      while (!done) {
        const res = await client.send(req);
        if (res.status !== 200) throw new Error(`${name} answered ${res.status}: ${res.body.slice(0, 300)}`);
        ms.push(res.ms);
      }
      return [name, { n: ms.length, ...summarise(ms) }] as const;
    }),
  );
  return Object.fromEntries(entries);
}

function idTokenHas(body: string, claim: string): boolean {
  const token = (JSON.parse(body) as { id_token?: string }).id_token;
  const payload = token?.split('.')[1];
  return !!payload && claim in (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export function targets(bench: SpinningBench): TargetCheck[] {
  const worst = Object.entries(bench.spinning).reduce((a, b) => (b[1].p99 > a[1].p99 ? b : a));
  const late = bench.logins.map((l) => l.ms - bench.budgetMs);
  return [
    {
      target: `While 2 logins spin, JWKS, GET user and client_credentials p99 < ${SPIN_TARGET_P99_MS} ms`,
      pass: Object.values(bench.spinning).every((m) => m.p99 < SPIN_TARGET_P99_MS),
      detail: `worst ${worst[0]}: p99 ${worst[1].p99} ms (idle ${bench.idle[worst[0]]?.p99} ms), n=${worst[1].n}`,
    },
    {
      target: 'Spinning logins end in 500 server_error at their budget (within 2 s after it)',
      pass: bench.logins.every((l) => l.status === 500) && late.every((ms) => ms >= 0 && ms < 2_000),
      detail: bench.logins.map((l) => `${l.status} after ${l.ms} ms`).join(', ') + ` (budget ${bench.budgetMs} ms)`,
    },
  ];
}

export function report(bench: SpinningBench): string {
  const lines = [`\n== Requests while 2 logins spin (budget ${bench.budgetMs} ms, ${bench.workers} workers) ==`];
  for (const [request, idle] of Object.entries(bench.idle)) {
    const spin = bench.spinning[request]!;
    lines.push(
      `  ${request.padEnd(40)} idle p50 ${idle.p50} / p99 ${idle.p99} ms (n=${idle.n})   spinning p50 ${spin.p50} / p99 ${spin.p99} / max ${spin.max} ms (n=${spin.n})`,
    );
  }
  lines.push(`  spinning logins: ${bench.logins.map((l) => `${l.status} after ${l.ms} ms`).join(', ')}`);
  lines.push(`  load average (1/5/15 min) at the start ${bench.load.atStart.join(' / ')}, at the end ${bench.load.atEnd.join(' / ')}`);
  return lines.join('\n');
}
