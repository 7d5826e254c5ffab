import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '#infra/local/dynamodb-local';
import { startLegacyStore, type LegacyUserSeed } from '#infra/local/legacy-store/server';
import type { ServiceContext } from '#test/bench/context';
import { fmt, table, units } from '#test/bench/format';
import { commandCostProbe, describeCosts, removeCostProbe, type CommandCost } from '#test/bench/hosted-login-costs';
import { BenchBrowser, measureFlow, type FlowStats, type StepStats } from '#test/bench/hosted-login-flow';
import type { BenchRequest } from '#test/bench/http';
import { commandCount, difference } from '#test/bench/lock';
import { jwtClaims, PASSWORD_REALM_GRANT, Stopwatch } from '#test/bench/login-probes';
import { fail, managementCreate } from '#test/bench/measure';
import type { RunInfo, Section, TargetCheck } from '#test/bench/section';
import { mean, percentile, round } from '#test/bench/stats';
import { createBodyFor } from '#test/bench/users-data';

/**
 * Custom database connections (issue 13, docs/custom-databases.md), over HTTP against the local
 * server, with a loopback legacy store (infra/local/legacy-store/) and the Auth0-style scripts
 * beside it. Two connections made through POST /api/v2/connections: one in import mode (lazy
 * migration: `login` and `get_user`), one in legacy mode (every script). Then, one password-realm
 * login at a time (c=1):
 * - migrating: a store user's first login (the `login` script, then the user created here);
 * - migrated: the same users again (no script: the login must cost what a normal login costs);
 * - normal: users of the default connection, made through the Management API (the baseline);
 * - legacy mode: each user's first login (the cached copy made) and later ones (`login` each time);
 * - the `login` script alone, through extensionsRunner().customDb, against the same store;
 * - one more login of each kind, command by command (what each read or wrote, and its units).
 * The script's time inside each login is timed around extensionsRunner().customDb.
 * `BENCH_ONLY=custom-db` runs this section alone.
 */
export const name = 'custom-db';

const WARMUP = 5;
const ITERATIONS = 40;
const NORMAL_USERS = 4;
const PASSWORD = 'Bench-Legacy-Passw0rd!';
const SCOPE = 'openid profile email';
const SCRIPTS_DIR = 'infra/local/legacy-store/scripts';
const IMPORT_SCRIPTS = { login: 'login.js', get_user: 'get_user.js' };
const LEGACY_SCRIPTS = {
  ...IMPORT_SCRIPTS, create: 'create.js', verify: 'verify.js', change_password: 'change_password.js', delete: 'delete.js', change_email: 'change_email.js',
};

/** The service's context plus the store's port, which the sandbox's allow-list names (reserveStorePort). */
export type CustomDbContext = ServiceContext & { legacyStorePort: number };

/**
 * A port for the legacy store, allowed to scripts (EXTENSIONS_ALLOW_HOSTS=127.0.0.1:<port>): set
 * before the service starts, as an operator would, since the sandbox's policy is read once.
 */
export async function reserveStorePort(): Promise<number> {
  const port = await freePort();
  const entry = `127.0.0.1:${port}`;
  const existing = process.env.EXTENSIONS_ALLOW_HOSTS?.trim();
  process.env.EXTENSIONS_ALLOW_HOSTS = existing ? `${existing},${entry}` : entry;
  return port;
}

/** One kind of login: its figures per login, the script's time inside it, and the store's requests. */
export interface LoginKind {
  flow: FlowStats;
  /** extensionsRunner().customDb as the login called it, per measured login (ms; 0 when no script ran). */
  scriptMs: { p50: number; p95: number; mean: number; calls: number };
  /** The store's requests during the measured logins, by route (`POST /login`). */
  storeRequests: Record<string, number>;
}

export interface CustomDbResults {
  connections: { import: string; legacy: string };
  migrating: LoginKind;
  migrated: LoginKind;
  normal: LoginKind;
  legacyFirst: LoginKind;
  legacyRepeat: LoginKind;
  /** The login script alone, through the in-process runner (worker pool), against the store. */
  scriptAlone: { n: number; errors: number; ms: { p50: number; p95: number; mean: number } };
  /** One more login of each kind (fresh users for the first logins), command by command. */
  costs: Record<'normal' | 'migrating' | 'migrated' | 'legacyFirst' | 'legacyRepeat', CommandCost[]>;
  /** GET /api/v2/users/{id} of one migrated user: what the metadata naming gave. */
  migratedUser: { app_metadata: unknown; user_metadata: unknown; hasMetadata: boolean };
}

const scriptText = (repoRoot: string, file: string) => readFileSync(join(repoRoot, SCRIPTS_DIR, file), 'utf8');
const scriptsOf = (repoRoot: string, files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([script, file]) => [script, scriptText(repoRoot, file)]));

export async function run(ctx: CustomDbContext): Promise<CustomDbResults> {
  const { client, auth, credentials, progress, records, repoRoot } = ctx;
  const runId = Date.now().toString(36);
  const post = managementCreate(client, auth);
  const seeds = (prefix: string): LegacyUserSeed[] =>
    // One more than the measured logins: a fresh user for the command-by-command login.
    Array.from({ length: WARMUP + ITERATIONS + 1 }, (_, i) => ({
      email: `${prefix}-${runId}-${i}@example.com`, password: PASSWORD, name: `Bench ${prefix} ${i}`, given_name: 'Bench', family_name: `${prefix} ${i}`,
      user_metadata: { hobby: 'surfing' }, metadata: { plan: 'full' },
    }));
  const migrating = seeds('migrate');
  const legacy = seeds('legacy');
  progress(`custom-db: a legacy store on 127.0.0.1:${ctx.legacyStorePort} with ${migrating.length + legacy.length} users`);
  const store = await startLegacyStore({ port: ctx.legacyStorePort, users: [...migrating, ...legacy] });
  try {
    const app = credentials.application;
    const configuration = { BASE_URL: store.url, API_KEY: store.apiKey };
    const connection = async (label: string, importMode: boolean, files: Record<string, string>) => {
      const created = await post('/api/v2/connections', {
        name: `legacy-${label}-${runId}`, strategy: 'auth0', enabled_clients: [app.client_id],
        options: { enabledDatabaseCustomization: true, import_mode: importMode, customScripts: scriptsOf(repoRoot, files), configuration },
      }, `the ${label} connection`);
      return typeof created.name === 'string' ? created.name : fail('POST /api/v2/connections returned no name');
    };
    progress('custom-db: an import-mode and a legacy-mode connection, and the baseline users, through the Management API');
    const importConnection = await connection('import', true, IMPORT_SCRIPTS);
    const legacyConnection = await connection('legacy', false, LEGACY_SCRIPTS);
    const normal: string[] = [];
    const createBody = createBodyFor(credentials.connection);
    for (let i = 0; i < NORMAL_USERS; i++) {
      const email = `custom-db-normal-${runId}-${i}@example.com`;
      await post('/api/v2/users', { ...createBody(email), password: PASSWORD }, `baseline user ${email}`);
      normal.push(email);
    }

    const { extensionsRunner } = await import('#shared/sandbox/runner');
    const runner = extensionsRunner();
    const watch = new Stopwatch(true);
    const original = runner.customDb;
    runner.customDb = (input) => watch.time(() => original(input));
    try {
      const login = (realm: string, email: string): BenchRequest => ({
        method: 'POST', path: '/oauth/token',
        body: { grant_type: PASSWORD_REALM_GRANT, realm, username: email, password: PASSWORD, scope: SCOPE, client_id: app.client_id, client_secret: app.client_secret },
      });
      const kind = async (label: string, realm: string, emailAt: (i: number) => string, storeId?: (i: number) => string): Promise<LoginKind> => {
        progress(`custom-db: ${label}: ${WARMUP} warm-up + ${ITERATIONS} at c=1`);
        const scriptMs: number[] = [];
        let calls = 0;
        let before = new Map<string, number>();
        const flow = await measureFlow(label, ['POST /oauth/token'], WARMUP, ITERATIONS, async (i) => {
          if (i === WARMUP) before = new Map(store.requests);
          watch.reset();
          const { res, sample } = await new BenchBrowser(client, records).step('oauth-token', login(realm, emailAt(i)));
          const body = JSON.parse(res.body) as { access_token?: string; id_token?: string };
          if (res.status !== 200 || !body.access_token) throw new Error(`${label}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
          const sub = jwtClaims(body.id_token).sub;
          if (storeId && sub !== `auth0|${storeId(i)}`) throw new Error(`${label}: sub ${JSON.stringify(sub)}, expected auth0|${storeId(i)}`);
          if (i >= WARMUP) {
            scriptMs.push(watch.totalMs);
            calls += watch.calls;
          }
          return [sample];
        });
        const storeRequests = Object.fromEntries([...store.requests].map(([route, n]) => [route, n - (before.get(route) ?? 0)]).filter(([, n]) => n !== 0));
        return { flow, scriptMs: { p50: round(percentile(scriptMs, 0.5)), p95: round(percentile(scriptMs, 0.95)), mean: round(mean(scriptMs)), calls }, storeRequests };
      };
      const idOf = (seedsOf: LegacyUserSeed[]) => (i: number) => store.users.get(seedsOf[i]!.email)!.id;
      const migratingLogins = await kind('migrating login (import mode, first login)', importConnection, (i) => migrating[i]!.email, idOf(migrating));
      const migratedLogins = await kind('migrated login (import mode, user stored here)', importConnection, (i) => migrating[i]!.email, idOf(migrating));
      const normalLogins = await kind('normal login (default connection)', credentials.connection, (i) => normal[i % normal.length]!);
      const legacyFirst = await kind('legacy-mode login, first (cached copy made)', legacyConnection, (i) => legacy[i]!.email, idOf(legacy));
      const legacyRepeat = await kind('legacy-mode login, later', legacyConnection, (i) => legacy[i]!.email, idOf(legacy));
      progress('custom-db: one more login of each kind, command by command');
      const probe = await commandCostProbe();
      const probed = async (realm: string, email: string) => {
        const { result, costs } = await probe(() => client.send(login(realm, email)));
        if (result.status !== 200) fail(`the probed login of ${email} answered ${result.status}: ${result.body.slice(0, 300)}`);
        return costs;
      };
      const fresh = WARMUP + ITERATIONS;
      const costs = {
        normal: await probed(credentials.connection, normal[0]!),
        migrating: await probed(importConnection, migrating[fresh]!.email),
        migrated: await probed(importConnection, migrating[0]!.email),
        legacyFirst: await probed(legacyConnection, legacy[fresh]!.email),
        legacyRepeat: await probed(legacyConnection, legacy[0]!.email),
      };
      await removeCostProbe();
      const migratedUser = await readMigrated(ctx, `auth0|${idOf(migrating)(0)}`);
      runner.customDb = original;
      const scriptAlone = await benchScriptAlone(ctx, scriptText(repoRoot, IMPORT_SCRIPTS.login), migrating, configuration);
      return {
        connections: { import: importConnection, legacy: legacyConnection },
        migrating: migratingLogins, migrated: migratedLogins, normal: normalLogins, legacyFirst, legacyRepeat, scriptAlone, costs, migratedUser,
      };
    } finally {
      runner.customDb = original;
    }
  } finally {
    await store.stop();
  }
}

async function readMigrated(ctx: ServiceContext, id: string): Promise<CustomDbResults['migratedUser']> {
  const res = await ctx.client.send({ method: 'GET', path: `/api/v2/users/${encodeURIComponent(id)}`, headers: ctx.auth });
  if (res.status !== 200) fail(`GET /api/v2/users/${id} answered ${res.status}: ${res.body.slice(0, 300)}`);
  const user = JSON.parse(res.body) as Record<string, unknown>;
  return { app_metadata: user.app_metadata, user_metadata: user.user_metadata, hasMetadata: 'metadata' in user };
}

/** The login script alone, as the login calls it (same runner, same store), c=1. */
async function benchScriptAlone(
  ctx: ServiceContext, source: string, users: LegacyUserSeed[], configuration: Record<string, string>,
): Promise<CustomDbResults['scriptAlone']> {
  const { extensionsRunner } = await import('#shared/sandbox/runner');
  const { config } = await import('#shared/platform/config');
  const runner = extensionsRunner();
  const limits = { totalMs: config.EXTENSIONS_BUDGET_MS, memoryBytes: config.EXTENSIONS_MEMORY_MB * 1024 * 1024 };
  ctx.progress(`custom-db: the login script alone (extensionsRunner().customDb): ${WARMUP} warm-up + ${ITERATIONS} at c=1`);
  const ms: number[] = [];
  let errors = 0;
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const user = users[i % users.length]!;
    const started = performance.now();
    const out = await runner.customDb({
      trigger: 'custom-db', script: 'login', source, args: [user.email, user.password], configuration,
      connection: { id: 'con_bench', name: 'bench' }, limits,
    });
    if (i >= WARMUP) ms.push(performance.now() - started);
    if (out.outcome !== 'done') errors += 1;
  }
  return { n: ms.length, errors, ms: { p50: round(percentile(ms, 0.5)), p95: round(percentile(ms, 0.95)), mean: round(mean(ms)) } };
}

/** A login kind's steady state per login, set against the normal login. */
interface Row {
  label: string;
  stats: StepStats;
  kind: LoginKind;
}

const rowsOf = (r: CustomDbResults): Row[] => [
  { label: 'normal (default connection)', stats: r.normal.flow.total, kind: r.normal },
  { label: 'migrating (import, first login)', stats: r.migrating.flow.total, kind: r.migrating },
  { label: 'migrated (import, stored here)', stats: r.migrated.flow.total, kind: r.migrated },
  { label: 'legacy mode, first login', stats: r.legacyFirst.flow.total, kind: r.legacyFirst },
  { label: 'legacy mode, later login', stats: r.legacyRepeat.flow.total, kind: r.legacyRepeat },
];

const ratio = (a: number, b: number) => (b > 0 ? `${fmt(a / b, 2)}x` : a === 0 ? '1.00x' : '-');
const storeLine = (k: LoginKind) => Object.entries(k.storeRequests).map(([route, n]) => `${route} ${n}`).join(', ') || 'none';

export function targets(results: CustomDbResults): TargetCheck[] {
  const { normal, migrated, migrating, legacyFirst, legacyRepeat } = results;
  const n = normal.flow.total.steady;
  const m = migrated.flow.total.steady;
  const errors = (k: LoginKind) => (k.flow.errors ? `; ${k.flow.errors} failed, first: ${k.flow.firstError}` : '');
  const oneLoginEach = (k: LoginKind) =>
    k.flow.errors === 0 && k.flow.n === ITERATIONS && k.storeRequests['POST /login'] === ITERATIONS && Object.keys(k.storeRequests).length === 1 && k.scriptMs.calls === ITERATIONS;
  return [
    {
      target: "a migrated user's login issues exactly a normal login's DynamoDB requests and capacity, and runs no script (steady state)",
      pass: migrated.flow.errors === 0 && normal.flow.errors === 0 && m.count > 0 && m.commands === n.commands && m.readUnits === n.readUnits &&
        m.writeUnits === n.writeUnits && migrated.scriptMs.calls === 0 && Object.keys(migrated.storeRequests).length === 0,
      detail: `migrated: ${m.commands} = ${fmt(m.readUnits, 1)} RCU, ${fmt(m.writeUnits, 1)} WCU (${m.count} of ${migrated.flow.n}); normal: ${n.commands} = ` +
        `${fmt(n.readUnits, 1)} RCU, ${fmt(n.writeUnits, 1)} WCU (${n.count} of ${normal.flow.n}); scripts run ${migrated.scriptMs.calls}, store requests: ${storeLine(migrated)}` +
        errors(migrated) + errors(normal),
    },
    {
      target: 'a migrating login runs `login` exactly once and nothing else against the store; a legacy-mode login runs `login` exactly once, every time',
      pass: oneLoginEach(migrating) && oneLoginEach(legacyFirst) && oneLoginEach(legacyRepeat),
      detail: [migrating, legacyFirst, legacyRepeat].map((k) => `${k.flow.name}: ${k.scriptMs.calls} scripts for ${k.flow.n} logins, store: ${storeLine(k)}${errors(k)}`).join('; '),
    },
  ];
}

export function report(results: CustomDbResults, _run?: RunInfo): string {
  const rows = rowsOf(results);
  const base = results.normal.flow.total;
  const line = ({ label, stats: s, kind: k }: Row) => [
    label, String(s.n), fmt(s.latencyMs.p50), fmt(s.latencyMs.p95), fmt(s.handlerMs.p50), k.scriptMs.calls ? `${fmt(k.scriptMs.p50)} / ${fmt(k.scriptMs.p95)}` : '-',
    units(s.db.requests, s.db.requestsRange), units(s.db.readUnits, s.db.readUnitsRange), units(s.db.writeUnits, s.db.writeUnitsRange), storeLine(k),
  ];
  const versus = ({ label, stats: s }: Row) => [
    label, String(commandCount(s.steady.commands)), fmt(s.steady.readUnits, 1), fmt(s.steady.writeUnits, 1),
    `${ratio(commandCount(s.steady.commands), commandCount(base.steady.commands))} DB req, ${ratio(s.steady.readUnits, base.steady.readUnits)} RCU, ` +
      `${ratio(s.steady.writeUnits, base.steady.writeUnits)} WCU, ${ratio(s.latencyMs.p50, base.latencyMs.p50)} p50`,
    difference(s.steady.commands, base.steady.commands),
  ];
  const { scriptAlone: alone, migratedUser: u, costs } = results;
  return [
    `\n== Custom databases (issue 13): password-realm logins against a loopback legacy store; connections ${results.connections.import} (import) and ${results.connections.legacy} (legacy) ==`,
    table(['login (POST /oauth/token)', 'n', 'p50 ms', 'p95 ms', 'handler p50', 'script p50 / p95', 'DB req', 'RCU', 'WCU', 'store requests'], rows.map(line), new Set([1, 2, 3, 4, 5, 6, 7, 8])),
    ...rows.map(({ label, stats: s }) => `  ${label}: steady ${s.steady.commands} = ${fmt(s.steady.readUnits, 1)} RCU, ${fmt(s.steady.writeUnits, 1)} WCU (${s.steady.count} of ${s.n})` +
      (s.commands.length > 1 ? `; others: ${s.commands.slice(1).map((c) => `${c.commands} x${c.count}`).join('; ')}` : '')),
    '\n-- against the normal login, steady state per login (kind / normal; commands: kind minus normal) --',
    table(['login', 'DB req', 'RCU', 'WCU', 'kind / normal', 'commands added'], rows.slice(1).map(versus), new Set([1, 2, 3])),
    '\n-- one more login of each kind, command by command (capacity units as DynamoDB Local reports them) --',
    `  normal: ${describeCosts(costs.normal)}`,
    `  migrating: ${describeCosts(costs.migrating)}`,
    `  migrated: ${describeCosts(costs.migrated)}`,
    `  legacy mode, first: ${describeCosts(costs.legacyFirst)}`,
    `  legacy mode, later: ${describeCosts(costs.legacyRepeat)}`,
    `\n  the login script alone (extensionsRunner().customDb, in-process worker pool, the store's bcrypt check included): p50 ${fmt(alone.ms.p50)} ms, ` +
      `p95 ${fmt(alone.ms.p95)} ms (n=${alone.n}${alone.errors ? `, ${alone.errors} not done` : ''})`,
    `  a migrated user (GET /api/v2/users/{id}): app_metadata ${JSON.stringify(u.app_metadata)}, user_metadata ${JSON.stringify(u.user_metadata)}, ` +
      `\`metadata\` ${u.hasMetadata ? 'PRESENT' : 'absent'}`,
    ...rows.filter((r) => r.kind.flow.firstError).map((r) => `  ${r.label}: ${r.kind.flow.errors} failed, first: ${r.kind.flow.firstError}`),
    '  DB figures are per login; the steady state is the most frequent command multiset. Script time is timed around extensionsRunner().customDb inside the login.',
    '  Latency is indicative (DynamoDB Local, a shared machine, a loopback store); request counts and capacity are the stable figures.',
  ].join('\n');
}

export function json(results: CustomDbResults) {
  return results;
}

export const section = { name, run, report, targets } satisfies Section<CustomDbResults, CustomDbContext>;
