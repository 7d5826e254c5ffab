import { localClient } from '#infra/local/dynamodb-local';
import { type ServiceContext } from '#test/bench/context';
import { fmt, table, units } from '#test/bench/format';
import {
  commandCostProbe, describeCosts, describePartition, partitionShape, removeCostProbe, type CommandCost, type CostProbe, type PartitionShape, type Probed,
} from '#test/bench/hosted-login-costs';
import {
  BenchBrowser, formAction, hiddenFields, measureFlow, pkce, redirectTarget, type FlowStats, type Iteration, type StepSample, type StepStats,
} from '#test/bench/hosted-login-flow';
import type { BenchRequest, BenchResponse } from '#test/bench/http';
import { jwtClaims } from '#test/bench/login-probes';
import { fail, managementCreate } from '#test/bench/measure';
import type { RunInfo, Section, TargetCheck } from '#test/bench/section';
import { mean, percentile, round } from '#test/bench/stats';
import { createBodyFor, userPath } from '#test/bench/users-data';

/**
 * The hosted login (issue 11) as auth0-spa-js drives it, over HTTP against the local server. An
 * SPA application (public: token_endpoint_auth_method none) and a few users are made through the
 * Management API; then, one browser at a time (c=1), each with its own cookie jar:
 * - the authorize-to-token round trip of a new browser: GET /authorize (code + PKCE) -> GET
 *   /u/login -> POST /u/login (email, password and the form's hidden state/_csrf, with the `did`
 *   cookie) -> POST /oauth/token (authorization_code + code_verifier);
 * - `prompt=none` with the SSO session that login left (the `auth0` cookie): GET /authorize ->
 *   302 with a code, then that code's exchange (what getTokenSilently does without refresh tokens).
 * Per step and per login: HTTP requests, DynamoDB requests (command multiset), RCU, WCU, p50/p95.
 * argon2id alone (the service's parameters) shows what the password hash costs POST /u/login.
 * `BENCH_ONLY=hosted-login` runs this section alone.
 */
export const name = 'hosted-login';

const USERS = 4;
const WARMUP = 5;
const ITERATIONS = 40;
const ARGON2_RUNS = 20;
const PROBED_LOGINS = 10;
const PASSWORD = 'Bench-Passw0rd!';
const SCOPE = 'openid profile email offline_access';
const SPA_ORIGIN = 'https://spa.bench.example';
const CALLBACK = `${SPA_ORIGIN}/callback`;
/** prompt=none with a session, steady state: the target from issue 11. */
const SILENT_RCU_TARGET = 1;
/** The round trip's capacity against performance-anchors.md §4 (see targets()). */
const ROUND_TRIP_RCU = 1.5;
const ROUND_TRIP_WCU = 5;

export interface HostedLoginResults {
  application: { client_id: string; callback: string };
  users: number;
  roundTrip: FlowStats;
  /** prompt=none for a user whose partition holds one SSO session (the target's case). */
  silent: FlowStats;
  /** The same for the last round-trip user, whose partition holds a session per login. */
  silentCrowded: FlowStats;
  /** One prompt=none answer of each, command by command, and the user's partition. */
  costs: { oneSession: SilentCosts; manySessions: SilentCosts };
  /** POST /u/login in PROBED_LOGINS more logins: handler and DynamoDB wall time (means), the last one's commands. */
  submitCosts: { n: number; handlerMs: number; dbWallMs: number; commands: CommandCost[] };
  argon2: { runs: number; p50: number; p95: number };
}

export interface SilentCosts {
  email: string;
  /** The commands of one prompt=none answer and its code's exchange, in order. */
  commands: CommandCost[];
  partition: PartitionShape;
  /** GET /api/v2/users/{id} of the same user: the Management API reads the same partition (strongly). */
  userGet: CommandCost[];
}

const ROUND_TRIP_STEPS = ['GET /authorize', 'GET /u/login', 'POST /u/login', 'POST /oauth/token'];
const SILENT_STEPS = ['GET /authorize?prompt=none', 'POST /oauth/token'];

export async function run(ctx: ServiceContext): Promise<HostedLoginResults> {
  const { client, auth, credentials, progress, records } = ctx;
  const runId = Date.now().toString(36);
  const post = managementCreate(client, auth);

  progress(`hosted-login: an SPA application and ${USERS} users through the Management API`);
  const spa = await post(
    '/api/v2/clients',
    {
      name: `Bench SPA ${runId}`, app_type: 'spa', token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'], callbacks: [CALLBACK], web_origins: [SPA_ORIGIN],
    },
    'the SPA application',
  );
  const clientId = typeof spa.client_id === 'string' ? spa.client_id : fail('POST /api/v2/clients returned no client_id');
  const createBody = createBodyFor(credentials.connection);
  const emails: string[] = [];
  const userIds = new Map<string, string>();
  for (let i = 0; i <= USERS; i++) {
    const email = `hosted-login-${runId}-${i}@example.com`;
    const user = await post('/api/v2/users', { ...createBody(email), password: PASSWORD }, `user ${email}`);
    userIds.set(email, typeof user.user_id === 'string' ? user.user_id : fail('POST /api/v2/users returned no user_id'));
    emails.push(email);
  }
  /** The last user is kept for prompt=none with a single session. */
  const silentEmail = emails.pop()!;

  const authorizeRequest = (state: string, nonce: string, challenge: string, extra: Record<string, string> = {}): BenchRequest => ({
    method: 'GET',
    path: `/authorize?${new URLSearchParams({
      client_id: clientId, redirect_uri: CALLBACK, response_type: 'code', response_mode: 'query', scope: SCOPE,
      state, nonce, code_challenge: challenge, code_challenge_method: 'S256', ...extra,
    }).toString()}`,
  });
  /** auth0-spa-js's exchange: a form post from the SPA's origin. */
  const exchange = (browser: BenchBrowser, code: string, verifier: string) =>
    browser.step('oauth-token', {
      method: 'POST', path: '/oauth/token', headers: { origin: SPA_ORIGIN },
      form: { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CALLBACK },
    });
  const expect = (res: BenchResponse, status: number, what: string) => {
    if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}: ${res.body.slice(0, 300)}`);
  };
  /** The callback's code, after checking the exact state came back. */
  const codeFrom = (res: BenchResponse, state: string, what: string) => {
    expect(res, 302, what);
    const { url, params } = redirectTarget(res);
    if (`${url.origin}${url.pathname}` !== CALLBACK) throw new Error(`${what}: redirected to ${url.href}`);
    if (params.state !== state) throw new Error(`${what}: state ${JSON.stringify(params.state)}, sent ${JSON.stringify(state)}`);
    return params.code ?? fail(`${what}: no code in ${url.search}`);
  };
  const checkTokens = (res: BenchResponse, nonce: string) => {
    expect(res, 200, 'POST /oauth/token');
    const body = JSON.parse(res.body) as { id_token?: string; access_token?: string; refresh_token?: string };
    if (!body.access_token || !body.refresh_token) throw new Error('POST /oauth/token: no access_token or refresh_token');
    const claims = jwtClaims(body.id_token);
    if (claims.nonce !== nonce || claims.aud !== clientId) throw new Error(`id_token: nonce ${String(claims.nonce)}, aud ${String(claims.aud)}`);
  };

  const submitProbes: Probed<{ sample: StepSample }>[] = [];
  /** A new browser's login, GET /authorize to POST /oauth/token; the browser keeps the session. */
  const logIn = async (browser: BenchBrowser, email: string, i: number, wrapSubmit: CostProbe | undefined = undefined): Promise<StepSample[]> => {
    const { verifier, challenge } = pkce();
    const state = `st-${runId}-${i}`;
    const nonce = `n-${runId}-${i}`;
    const start = await browser.step('authorize', authorizeRequest(state, nonce, challenge));
    expect(start.res, 302, 'GET /authorize');
    const screen = await browser.step('login-screen', { method: 'GET', path: redirectTarget(start.res).path });
    expect(screen.res, 200, 'GET /u/login');
    const action = formAction(screen.res.body) ?? fail('GET /u/login: no form action');
    const post = () => browser.step('login-submit', { method: 'POST', path: action, form: { ...hiddenFields(screen.res.body), email, password: PASSWORD } });
    const submit = wrapSubmit ? await wrapSubmit(post).then((probed) => (submitProbes.push(probed), probed.result)) : await post();
    const code = codeFrom(submit.res, state, 'POST /u/login');
    const token = await exchange(browser, code, verifier);
    checkTokens(token.res, nonce);
    if (!browser.cookieNames().includes('auth0')) throw new Error('POST /u/login set no auth0 cookie');
    return [start.sample, screen.sample, submit.sample, token.sample];
  };
  /** getTokenSilently without refresh tokens: prompt=none with the browser's session, then the exchange. */
  const silently = (browser: BenchBrowser): Iteration => async (i) => {
    const { verifier, challenge } = pkce();
    const state = `silent-${runId}-${i}`;
    const nonce = `sn-${runId}-${i}`;
    const answer = await browser.step('authorize', authorizeRequest(state, nonce, challenge, { prompt: 'none' }));
    const token = await exchange(browser, codeFrom(answer.res, state, 'GET /authorize?prompt=none'), verifier);
    checkTokens(token.res, nonce);
    return [answer.sample, token.sample];
  };

  progress(`hosted-login: authorize-to-token round trip: ${WARMUP} warm-up + ${ITERATIONS} at c=1, each a new browser`);
  let lastBrowser: BenchBrowser | undefined;
  const trip = await measureFlow('authorize-to-token round trip', ROUND_TRIP_STEPS, WARMUP, ITERATIONS, async (i) => {
    const browser = new BenchBrowser(client, records);
    const steps = await logIn(browser, emails[i % emails.length]!, i);
    lastBrowser = browser;
    return steps;
  });

  // The steady state: a user with one browser, so one SSO session in the partition.
  const oneSession = new BenchBrowser(client, records);
  await logIn(oneSession, silentEmail, -1);
  progress(`hosted-login: prompt=none with a session (the user's only one): ${WARMUP} warm-up + ${ITERATIONS} at c=1`);
  const quiet = await measureFlow('prompt=none with a session (the user has one)', SILENT_STEPS, WARMUP, ITERATIONS, silently(oneSession));
  // The last round-trip user: every login from a new browser left a session in the partition.
  const many = lastBrowser ?? fail('no round trip completed');
  progress(`hosted-login: prompt=none for a user with ${Math.ceil((WARMUP + ITERATIONS) / USERS)} sessions: ${WARMUP} warm-up + ${ITERATIONS} at c=1`);
  const crowded = await measureFlow(`prompt=none with a session (the user has ${Math.ceil((WARMUP + ITERATIONS) / USERS)})`, SILENT_STEPS, WARMUP, ITERATIONS, silently(many));

  progress('hosted-login: what each read of prompt=none costs, and what the partitions hold');
  const probe = await commandCostProbe();
  const raw = localClient(ctx.endpoint);
  const breakdown = async (browser: BenchBrowser, email: string, userId: string) => ({
    email,
    commands: (await probe(() => silently(browser)(-2))).costs,
    partition: await partitionShape(raw, process.env.TABLE_NAME ?? fail('TABLE_NAME is not set'), userId),
    userGet: (await probe(() => client.send({ method: 'GET', path: userPath(userId), headers: auth }))).costs,
  });
  const costs = {
    oneSession: await breakdown(oneSession, silentEmail, userIds.get(silentEmail)!),
    manySessions: await breakdown(many, emails[(WARMUP + ITERATIONS - 1) % emails.length]!, userIds.get(emails[(WARMUP + ITERATIONS - 1) % emails.length]!)!),
  };
  raw.destroy();
  progress(`hosted-login: ${PROBED_LOGINS} more logins, POST /u/login's DynamoDB time and commands noted`);
  for (let i = 0; i < PROBED_LOGINS; i++) await logIn(new BenchBrowser(client, records), emails[i % emails.length]!, 1000 + i, probe);
  const submitCosts = {
    n: submitProbes.length,
    handlerMs: round(mean(submitProbes.map((p) => p.result.sample.record.ms))),
    dbWallMs: round(mean(submitProbes.map((p) => p.dbWallMs))),
    commands: submitProbes.at(-1)?.costs ?? [],
  };
  await removeCostProbe();

  progress(`hosted-login: argon2id verification alone, ${ARGON2_RUNS} at a time of one`);
  const argon2 = await timeArgon2();
  return { application: { client_id: clientId, callback: CALLBACK }, users: USERS, roundTrip: trip, silent: quiet, silentCrowded: crowded, costs, submitCosts, argon2 };
}

async function timeArgon2(): Promise<HostedLoginResults['argon2']> {
  const { hashPassword, verifyPassword } = await import('#shared/tenant/passwords/hash');
  const phc = await hashPassword(PASSWORD);
  for (let i = 0; i < 3; i++) await verifyPassword(phc, PASSWORD);
  const times: number[] = [];
  for (let i = 0; i < ARGON2_RUNS; i++) {
    const t = performance.now();
    if (!(await verifyPassword(phc, PASSWORD))) fail('argon2 verification failed');
    times.push(performance.now() - t);
  }
  return { runs: ARGON2_RUNS, p50: round(percentile(times, 0.5)), p95: round(percentile(times, 0.95)) };
}

export function targets(results: HostedLoginResults): TargetCheck[] {
  const { silent, roundTrip } = results;
  const answer = silent.steps[0]!;
  const out: TargetCheck[] = [{
    target: `prompt=none with a session: <= ${SILENT_RCU_TARGET} RCU (steady state)`,
    pass: silent.errors === 0 && answer.n > 0 && answer.steady.readUnits <= SILENT_RCU_TARGET,
    detail:
      `${answer.steady.count} of ${answer.n} answers issued ${answer.steady.commands} = ${fmt(answer.steady.readUnits, 1)} RCU, ` +
      `${fmt(answer.steady.writeUnits, 1)} WCU (reads: ${answer.steady.reads}); mean ${fmt(answer.db.readUnits, 3)} RCU` +
      (silent.errors ? `; ${silent.errors} errors, first: ${silent.firstError}` : ''),
  }];
  const whole = roundTrip.total.steady;
  out.push({
    target:
      `the authorize-to-token round trip: <= ${ROUND_TRIP_RCU} RCU and <= ${ROUND_TRIP_WCU} WCU per login (steady state; performance-anchors.md §4: ` +
      '1 RCU + 3 WCU per login, +2 WCU for a stored code; +0.5 RCU for the rules\' freshness read, as for password logins)',
    pass: roundTrip.errors === 0 && roundTrip.n > 0 && whole.readUnits <= ROUND_TRIP_RCU && whole.writeUnits <= ROUND_TRIP_WCU,
    detail:
      `${whole.count} of ${roundTrip.n} logins: at most ${fmt(whole.readUnits, 1)} RCU (mean ${fmt(roundTrip.total.db.readUnits, 2)}), ${fmt(whole.writeUnits, 1)} WCU in ${roundTrip.total.httpRequests} HTTP and ` +
      `${fmt(roundTrip.total.db.requests, 0)} DynamoDB requests (${roundTrip.steps.map((s) => `${s.step} ${fmt(s.steady.readUnits, 1)}/${fmt(s.steady.writeUnits, 1)}`).join(', ')})` +
      (roundTrip.errors ? `; ${roundTrip.errors} errors, first: ${roundTrip.firstError}` : ''),
  });
  return out;
}

export function report(results: HostedLoginResults, _run?: RunInfo): string {
  const row = (s: StepStats, n: string) => [
    s.step, n, fmt(s.latencyMs.p50), fmt(s.latencyMs.p95), fmt(s.handlerMs.p50), units(s.db.requests, s.db.requestsRange),
    units(s.db.readUnits, s.db.readUnitsRange), units(s.db.writeUnits, s.db.writeUnitsRange),
    s.commands.map((c) => (s.commands.length > 1 ? `${c.commands} x${c.count}` : c.commands)).join('; '),
  ];
  const flow = (f: FlowStats) => [
    `\n-- ${f.name}: ${f.n} at c=1 after ${f.warmup} warm-up, ${f.total.httpRequests} HTTP requests each --`,
    table(
      ['step', 'n', 'p50 ms', 'p95 ms', 'handler p50', 'DB req', 'RCU', 'WCU', 'commands'],
      [...f.steps.map((s) => row(s, String(s.n))), row({ ...f.total, step: `whole (${f.total.httpRequests} requests)` }, String(f.total.n))],
      new Set([1, 2, 3, 4, 5, 6, 7]),
    ),
    `  steady state of the whole: ${f.total.steady.commands} = ${fmt(f.total.steady.readUnits, 1)} RCU, ${fmt(f.total.steady.writeUnits, 1)} WCU ` +
      `(${f.total.steady.count} of ${f.total.n}); ${fmt(f.total.perSecond, 1)} per second one at a time`,
    ...(f.errors ? [`  ${f.errors} failed iterations, first: ${f.firstError}`] : []),
  ];
  const sc = results.submitCosts;
  const costs = (label: string, c: SilentCosts) => [
    `  ${label}: ${describeCosts(c.commands)}`,
    `    the user's partition: ${describePartition(c.partition)}`,
    `    GET /api/v2/users/{id} of this user: ${describeCosts(c.userGet)}`,
  ];
  return [
    `\n== Hosted login (issue 11): auth0-spa-js's flow for an SPA (${results.users} users, code + PKCE, query answers) ==`,
    ...flow(results.roundTrip),
    `  POST /u/login, ${sc.n} more logins: handler ${fmt(sc.handlerMs)} ms on average, of which DynamoDB Local ${fmt(sc.dbWallMs)} ms ` +
      `(${sc.commands.length} requests, the writes partly in parallel) and argon2id about ${fmt(results.argon2.p50)} ms ` +
      `(verification alone: p50 ${fmt(results.argon2.p50)}, p95 ${fmt(results.argon2.p95)} ms, ${results.argon2.runs} runs); the rest is rules, signing and the page.`,
    `  POST /u/login's commands (units, time): ${describeCosts(sc.commands, true)}`,
    ...flow(results.silent),
    ...flow(results.silentCrowded),
    '\n-- one prompt=none answer and its exchange, command by command (capacity units) --',
    ...costs('one session', results.costs.oneSession),
    ...costs('a session per login', results.costs.manySessions),
    '  DB figures are per request (per iteration for "whole"); the steady state is the most frequent command multiset.',
    '  Latency is indicative on a shared machine; request counts and capacity are the stable figures.',
  ].join('\n');
}

export function json(results: HostedLoginResults) {
  return results;
}

export const section = { name, run, report, targets } satisfies Section<HostedLoginResults, ServiceContext>;
