import { CONCURRENCY, type ServiceContext } from '#test/bench/context';
import { fmt, table, units } from '#test/bench/format';
import type { BenchRequest, BenchResponse } from '#test/bench/http';
import { jwtClaims, PASSWORD_REALM_GRANT } from '#test/bench/login-probes';
import { fail, type OpResult, type OpSpec } from '#test/bench/measure';
import type { RunInfo, Section, TargetCheck } from '#test/bench/section';
import { createBodyFor } from '#test/bench/users-data';

/**
 * Tokens for a custom API (issue 10), made the way a tenant moving from Auth0 makes them, through
 * Auth0's documented Management API: an API (POST /api/v2/resource-servers), an M2M application
 * (POST /api/v2/clients) and a client grant of one of the API's scopes (POST /api/v2/client-grants).
 * Then, over HTTP:
 * - the client_credentials grant for that API, at c=1 and c=8: DynamoDB requests and capacity per
 *   grant (target: no table read in the steady state: the client and its grants, the API and the
 *   signing key all come from the warm caches), latency, rate;
 * - the same password login with and without `audience` of that API: the reads must be the same
 *   (the API's definition is cached like the client and the connection).
 * `BENCH_ONLY=custom-api` runs this section alone.
 */
export const name = 'custom-api';

const GRANT_WARMUP = 20;
const GRANT_ITERATIONS = 400;
const GRANT_CONCURRENT_ITERATIONS = 1600;
const LOGIN_USERS = 4;
const LOGIN_WARMUP = 5;
const LOGIN_ITERATIONS = 60;
const LOGIN_PASSWORD = 'Bench-Passw0rd!';
const LOGIN_SCOPE = 'openid profile email';
/** The API's scopes; the M2M application is granted the first, the login asks for it too. */
const API_SCOPES = [
  { value: 'read:reports', description: 'Read reports' },
  { value: 'write:reports', description: 'Write reports' },
];
const GRANTED = API_SCOPES[0]!.value;

export interface CustomApiResults {
  api: { identifier: string; grantedScope: string };
  /** client_credentials for the custom API: c=1, then c=CONCURRENCY. */
  grants: OpResult[];
  /** The same password-realm login at c=1, without and then with `audience`. */
  logins: { withoutAudience: OpResult; withAudience: OpResult };
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/**
 * A request's commands as a multiset: a login's writes run in parallel and complete in any
 * order, so 'GetItem+PutItem+UpdateItem' and 'GetItem+UpdateItem+PutItem' are the same work.
 */
export function commandSet(commands: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const c of [...commands].sort((a, b) => Number(READS.has(b)) - Number(READS.has(a)) || a.localeCompare(b))) {
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts].map(([c, n]) => (n > 1 ? `${n} ${c}` : c)).join(' + ') || '(none)';
}

/** Each distinct command multiset of the measured requests, most frequent first. */
function tally(op: OpResult): { commands: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of op.records) counts.set(commandSet(r.db.commands), (counts.get(commandSet(r.db.commands)) ?? 0) + 1);
  return [...counts].map(([commands, count]) => ({ commands, count })).sort((a, b) => b.count - a.count);
}

/** The command multiset most measured requests issued, how many did, and what they consumed at most. */
export function steady(op: OpResult): { commands: string; reads: string; count: number; readUnits: number; writeUnits: number } {
  const top = tally(op)[0] ?? { commands: '(none)', count: 0 };
  const same = op.records.filter((r) => commandSet(r.db.commands) === top.commands);
  const max = (f: (r: (typeof same)[number]) => number) => (same.length ? Math.max(...same.map(f)) : 0);
  const reads = commandSet(same[0]?.db.commands.filter((c) => READS.has(c)) ?? []);
  return { commands: top.commands, reads, count: top.count, readUnits: max((r) => r.db.readUnits), writeUnits: max((r) => r.db.writeUnits) };
}

const describe = (op: OpResult) => tally(op).map((t) => `${t.commands} x${t.count}`).join('; ') || '-';

export async function run(ctx: ServiceContext): Promise<CustomApiResults> {
  const { client, auth, credentials, progress } = ctx;
  const runId = Date.now().toString(36);
  const post = async (path: string, body: unknown, what: string): Promise<Record<string, unknown>> => {
    const res = await client.send({ method: 'POST', path, headers: auth, body });
    if (res.status !== 201) fail(`${what}: POST ${path} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  };

  progress('custom-api: creating an API, an M2M application and its grant through the Management API');
  const identifier = `https://reports-${runId}.bench.example/`;
  await post('/api/v2/resource-servers', { name: `Bench reports ${runId}`, identifier, signing_alg: 'RS256', scopes: API_SCOPES }, 'the API');
  const m2m = await post(
    '/api/v2/clients',
    { name: `Bench M2M ${runId}`, app_type: 'non_interactive', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' },
    'the M2M application',
  );
  const clientId = typeof m2m.client_id === 'string' ? m2m.client_id : fail('POST /api/v2/clients returned no client_id');
  const clientSecret = typeof m2m.client_secret === 'string' ? m2m.client_secret : fail('POST /api/v2/clients returned no client_secret');
  await post('/api/v2/client-grants', { client_id: clientId, audience: identifier, scope: [GRANTED] }, 'the client grant');

  const grantRequest: BenchRequest = {
    method: 'POST',
    path: '/oauth/token',
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: identifier },
  };
  const grantCheck = (res: BenchResponse) => {
    const body = JSON.parse(res.body) as { access_token?: string; token_type?: string; scope?: string };
    const claims = jwtClaims(body.access_token);
    if (body.token_type !== 'Bearer') return `token_type ${JSON.stringify(body.token_type)}`;
    if (claims.aud !== identifier) return `aud ${JSON.stringify(claims.aud)}, expected ${identifier}`;
    if (claims.scope !== GRANTED) return `scope ${JSON.stringify(claims.scope)}, expected "${GRANTED}"`;
    if (claims.sub !== `${clientId}@clients`) return `sub ${JSON.stringify(claims.sub)}`;
    return undefined;
  };
  const grants: OpResult[] = [];
  for (const [concurrency, warmup, count] of [[1, GRANT_WARMUP, GRANT_ITERATIONS], [CONCURRENCY, 0, GRANT_CONCURRENT_ITERATIONS]] as const) {
    const spec: OpSpec = {
      name: 'client_credentials, custom API', route: 'oauth-token', warmup, count, concurrency, expect: 200,
      request: () => grantRequest, validate: grantCheck,
    };
    progress(`custom-api: ${spec.name}: ${warmup} warm-up + ${count} at c=${concurrency}`);
    grants.push(await ctx.measure(spec));
  }

  progress(`custom-api: ${LOGIN_USERS} users with a password`);
  const createBody = createBodyFor(credentials.connection);
  const emails: string[] = [];
  for (let i = 0; i < LOGIN_USERS; i++) {
    const email = `custom-api-${runId}-${i}@example.com`;
    await post('/api/v2/users', { ...createBody(email), password: LOGIN_PASSWORD }, `login user ${email}`);
    emails.push(email);
  }
  const app = credentials.application;
  const loginRequest = (i: number, audience: string | undefined): BenchRequest => ({
    method: 'POST',
    path: '/oauth/token',
    body: {
      grant_type: PASSWORD_REALM_GRANT, realm: credentials.connection, username: emails[i % emails.length], password: LOGIN_PASSWORD,
      client_id: app.client_id, client_secret: app.client_secret,
      ...(audience ? { audience, scope: `${LOGIN_SCOPE} ${GRANTED}` } : { scope: LOGIN_SCOPE }),
    },
  });
  const loginCheck = (audience: string | undefined) => (res: BenchResponse) => {
    const body = JSON.parse(res.body) as { access_token?: string; id_token?: string };
    if (!body.id_token) return 'no id_token';
    if (!audience) return undefined;
    const claims = jwtClaims(body.access_token);
    const aud = [claims.aud].flat();
    if (!aud.includes(audience)) return `aud ${JSON.stringify(claims.aud)} lacks ${audience}`;
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    return scopes.includes(GRANTED) ? undefined : `scope ${JSON.stringify(claims.scope)} lacks ${GRANTED}`;
  };
  const login = async (label: string, audience: string | undefined) => {
    progress(`custom-api: password-realm login ${label}: ${LOGIN_WARMUP} warm-up + ${LOGIN_ITERATIONS} at c=1`);
    return ctx.measure({
      name: `password-realm login ${label}`, route: 'oauth-token', warmup: LOGIN_WARMUP, count: LOGIN_ITERATIONS, concurrency: 1, expect: 200,
      request: (i) => loginRequest(i, audience), validate: loginCheck(audience),
    });
  };
  const withoutAudience = await login('without audience', undefined);
  const withAudience = await login(`with audience (scope "${LOGIN_SCOPE} ${GRANTED}")`, identifier);
  return { api: { identifier, grantedScope: GRANTED }, grants, logins: { withoutAudience, withAudience } };
}

export function targets(results: CustomApiResults): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const op of results.grants) {
    const st = steady(op);
    const reading = op.records.filter((r) => r.db.commands.some((c) => READS.has(c)));
    out.push({
      target: `no table read per client_credentials grant for a custom API in the steady state (c=${op.concurrency})`,
      pass: op.errors === 0 && op.n > 0 && st.commands === '(none)',
      detail:
        `${st.count} of ${op.records.length} grants made no DynamoDB request; ${reading.length} read ` +
        `(${reading.length ? describe({ ...op, records: reading }) : '-'}); mean ${fmt(op.db.readUnits, 3)} RCU, ${fmt(op.db.writeUnits, 3)} WCU` +
        (op.errors ? `; ${op.errors} errors, first: ${op.firstError}` : ''),
    });
  }
  const { withoutAudience: a, withAudience: b } = results.logins;
  const sa = steady(a);
  const sb = steady(b);
  out.push({
    target: 'a password login with `audience` of a custom API reads what the same login without it reads (steady state)',
    pass: a.errors === 0 && b.errors === 0 && sa.count > 0 && sa.commands === sb.commands && sa.readUnits === sb.readUnits,
    detail:
      `without: ${sa.commands} = ${fmt(sa.readUnits, 1)} RCU, ${fmt(sa.writeUnits, 1)} WCU (${sa.count} of ${a.records.length}); ` +
      `with: ${sb.commands} = ${fmt(sb.readUnits, 1)} RCU, ${fmt(sb.writeUnits, 1)} WCU (${sb.count} of ${b.records.length}); ` +
      `mean RCU ${fmt(a.db.readUnits, 3)} and ${fmt(b.db.readUnits, 3)}` +
      (a.errors || b.errors ? `; errors ${a.errors}/${b.errors}, first: ${a.firstError ?? b.firstError}` : ''),
  });
  return out;
}

export function report(results: CustomApiResults, _run?: RunInfo): string {
  const ops = [...results.grants, results.logins.withoutAudience, results.logins.withAudience];
  const rows = ops.map((op) => [
    op.name, String(op.concurrency), String(op.n), fmt(op.latencyMs.p50), fmt(op.latencyMs.p99), fmt(op.handlerMs.p50), fmt(op.reqPerSec, 1),
    units(op.db.requests, op.db.requestsRange), units(op.db.readUnits, op.db.readUnitsRange), units(op.db.writeUnits, op.db.writeUnitsRange),
    describe(op), op.errors > 0 ? `${op.errors} errors` : '',
  ]);
  const lines = [
    `\n== Custom API (issue 10): POST /oauth/token for ${results.api.identifier}, granted "${results.api.grantedScope}" ==`,
    table(['operation', 'c', 'n', 'p50 ms', 'p99 ms', 'handler p50', 'req/s', 'DB req', 'RCU', 'WCU', 'commands', ''], rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9])),
    '  The API, the M2M application and its grant were made through POST /api/v2/resource-servers, /clients and /client-grants.',
    '  DB figures are per request; a read among the grants is a tenant cache reloading (TENANT_CACHE_TTL_MS, docs/tenant-caching.md).',
  ];
  for (const op of ops) if (op.firstError) lines.push(`  ${op.name} c=${op.concurrency}: ${op.errors} unexpected answers, first: ${op.firstError}`);
  return lines.join('\n');
}

export function json(results: CustomApiResults) {
  const strip = ({ records: _r, warmupRecords: _w, ...op }: OpResult) => op;
  return {
    api: results.api,
    grants: results.grants.map(strip),
    logins: { withoutAudience: strip(results.logins.withoutAudience), withAudience: strip(results.logins.withAudience) },
  };
}

export const section = { name, run, report, targets } satisfies Section<CustomApiResults, ServiceContext>;
