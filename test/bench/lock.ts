import type { ServiceContext } from '#test/bench/context';
import { fmt, table, units } from '#test/bench/format';
import { commandCostProbe, describeCosts, removeCostProbe, type CommandCost } from '#test/bench/hosted-login-costs';
import { BenchBrowser, measureFlow, stepStats, sumSamples, type FlowStats, type StepSample, type StepStats } from '#test/bench/hosted-login-flow';
import { LOGIN_SCOPE, PASSWORD_REALM_GRANT } from '#test/bench/login-probes';
import { coAuthenticate, LOCK_ORIGIN, LOCK_PAGE, preflight, redeemTicket, signUp, ssoProbe, userInfo, type LockApp } from '#test/bench/lock-requests';
import { fail, managementCreate } from '#test/bench/measure';
import type { RunInfo, Section, TargetCheck } from '#test/bench/section';
import { createBodyFor } from '#test/bench/users-data';

/**
 * Lock's cross-origin login (docs/lock.md) as Lock 14.3 and its auth0.js drive it, over HTTP
 * against the local server. An SPA application with cross_origin_authentication, the page in
 * callbacks and its origin in web_origins and allowed_origins, and a user, made through the
 * Management API; then, one browser at a time (c=1), each a new cookie jar:
 * 1. POST /co/authenticate -> login_ticket and the `co_` cookie (after the new browser's preflight);
 * 2. GET /authorize?login_ticket=…&response_type=token -> 302, the access token in the fragment;
 * 3. the SSO probe with the session step 2 left (web_message, prompt=none) -> the tokens' page;
 * 4. GET /userinfo with step 2's access token (after its preflight).
 * A Lock login is steps 1+2; it is set against the password grant, measured here on the same
 * user, and the hosted login's round trip (measured in the same run when there is one, else
 * docs/benchmark.md's figures). Then Lock's signup, one new user per request.
 * `BENCH_ONLY=lock` runs this section alone.
 */
export const name = 'lock';

/**
 * One user, as a Lock page's returning visitor: from the warm-up on it holds 5 SSO sessions, so
 * every measured login also ends the oldest (the hosted login's most frequent case too).
 */
const USERS = 1;
const WARMUP = 5;
const ITERATIONS = 40;
const PASSWORD = 'Bench-Passw0rd!';
const LOCK_STEPS = [
  'OPTIONS /co/authenticate', 'POST /co/authenticate', 'GET /authorize?login_ticket', 'SSO probe (web_message, prompt=none)', 'OPTIONS /userinfo', 'GET /userinfo',
];
/**
 * Steps 1+2, what Lock's login costs until the application holds its access token: the POST and
 * the redemption. The preflight before the POST is left out, as the hosted login's figures leave
 * out the one before auth0-spa-js's token exchange (its Auth0-Client header); it is reported apart.
 */
const LOGIN_STEPS = [1, 2];
/**
 * What the ticket adds to a password login: its PutItem and its conditional DeleteItem. A browser
 * login also reads the user again at /authorize (the ticket carries only the id) and writes the
 * SSO session, as the hosted login does; see targets().
 */
const TICKET_EXTRA = ['PutItem', 'DeleteItem'];
const BROWSER_EXTRA = ['Query', 'PutItem'];
const EVICTION = 'DeleteItem';

/** A login to compare with: its steady state per login (the most frequent command multiset). */
export interface Baseline {
  name: string;
  source: string;
  httpRequests: number;
  dbRequests: number;
  commands: string;
  readUnits: number;
  writeUnits: number;
  p50: number;
  p95: number;
}

/**
 * The hosted login's round trip in docs/benchmark.md (full run of 3 December, d0548d8, 40 logins
 * of 4 users at c=1): its most frequent multiset (25 of 40) ends the user's oldest SSO session.
 */
const HOSTED_LOGIN_DOCS: Baseline = {
  name: 'hosted login round trip', source: 'docs/benchmark.md (3 December, d0548d8)', httpRequests: 4, dbRequests: 18,
  commands: 'BatchGetItem + 4 GetItem + Query + 3 DeleteItem + 4 PutItem + 5 UpdateItem', readUnits: 4, writeUnits: 12, p50: 68.8, p95: 76.6,
};

/** The service; in a full run, also the hosted login's round trip measured just before. */
export type LockContext = ServiceContext & { hostedLogin?: FlowStats };

export interface LockResults {
  application: { client_id: string; page: string; origin: string };
  users: number;
  /** Steps 1-4 per new browser, with the two preflights. */
  flow: FlowStats;
  /** Steps 1+2 of the same iterations, summed per login. */
  login: StepStats;
  /** POST /oauth/token password-realm of the same user (the bench's confidential application). */
  passwordGrant: FlowStats;
  signup: FlowStats;
  /** One more Lock login (steps 1-4) and password grant, command by command (what each command read or wrote). */
  costs: { coAuthenticate: CommandCost[]; redemption: CommandCost[]; ssoProbe: CommandCost[]; userInfo: CommandCost[]; passwordGrant: CommandCost[] };
  baselines: { hostedLogin: Baseline; passwordGrant: Baseline };
}

export async function run(ctx: LockContext): Promise<LockResults> {
  const { client, auth, credentials, progress, records } = ctx;
  const runId = Date.now().toString(36);
  const post = managementCreate(client, auth);

  progress(`lock: an SPA application with cross-origin authentication and ${USERS} user${USERS === 1 ? '' : 's'} through the Management API`);
  const spa = await post(
    '/api/v2/clients',
    {
      name: `Bench Lock ${runId}`, app_type: 'spa', token_endpoint_auth_method: 'none', grant_types: ['implicit', 'authorization_code'],
      cross_origin_authentication: true, callbacks: [LOCK_PAGE], web_origins: [LOCK_ORIGIN], allowed_origins: [LOCK_ORIGIN],
    },
    'the Lock application',
  );
  const app: LockApp = {
    clientId: typeof spa.client_id === 'string' ? spa.client_id : fail('POST /api/v2/clients returned no client_id'),
    connection: credentials.connection,
    password: PASSWORD,
  };
  const createBody = createBodyFor(credentials.connection);
  const users: { email: string; id: string }[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `lock-${runId}-${i}@example.com`;
    const user = await post('/api/v2/users', { ...createBody(email), password: PASSWORD }, `user ${email}`);
    users.push({ email, id: typeof user.user_id === 'string' ? user.user_id : fail('POST /api/v2/users returned no user_id') });
  }
  const userAt = (i: number) => users[i % users.length]!;

  /** Steps 1-4 in a new browser, with the two preflights. */
  const lockLogin = async (i: number): Promise<StepSample[]> => {
    const browser = new BenchBrowser(client, records);
    const user = userAt(i);
    const coPreflight = await preflight(browser, 'co-authenticate-preflight', '/co/authenticate', 'POST', 'content-type,auth0-client');
    const co = await coAuthenticate(browser, app, user.email);
    const redeemed = await redeemTicket(browser, app, co.ticket);
    const probe = await ssoProbe(browser, app, user.id);
    const infoPreflight = await preflight(browser, 'userinfo-preflight', '/userinfo', 'GET', 'authorization');
    const info = await userInfo(browser, redeemed.accessToken, user.id);
    return [coPreflight.sample, co.sample, redeemed.sample, probe.sample, infoPreflight.sample, info.sample];
  };
  progress(`lock: Lock's login, SSO probe and /userinfo: ${WARMUP} warm-up + ${ITERATIONS} at c=1, each a new browser`);
  const kept: { i: number; steps: StepSample[] }[] = [];
  const flow = await measureFlow("Lock's cross-origin login, SSO probe and /userinfo", LOCK_STEPS, WARMUP, ITERATIONS, async (i) => {
    const steps = await lockLogin(i);
    if (i >= WARMUP) kept.push({ i, steps });
    return steps;
  });
  const login = stepStats('Lock login (steps 1+2)', kept.map((k) => sumSamples(LOGIN_STEPS.map((s) => k.steps[s]!))));

  progress(`lock: the password grant of the same user${USERS === 1 ? '' : 's'}: ${WARMUP} warm-up + ${ITERATIONS} at c=1`);
  const bootstrap = credentials.application;
  const passwordGrant = (email: string) => new BenchBrowser(client, records).step('oauth-token', {
    method: 'POST',
    path: '/oauth/token',
    body: {
      grant_type: PASSWORD_REALM_GRANT, realm: credentials.connection, username: email, password: PASSWORD, scope: LOGIN_SCOPE,
      client_id: bootstrap.client_id, client_secret: bootstrap.client_secret,
    },
  });
  const grant = await measureFlow('password grant (POST /oauth/token password-realm)', ['POST /oauth/token'], WARMUP, ITERATIONS, async (i) => {
    const { res, sample } = await passwordGrant(userAt(i).email);
    if (res.status !== 200 || !(JSON.parse(res.body) as { access_token?: string }).access_token) throw new Error(`password grant: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return [sample];
  });

  progress('lock: one more Lock login and password grant, command by command');
  const probe = await commandCostProbe();
  const browser = new BenchBrowser(client, records);
  const co = await probe(() => coAuthenticate(browser, app, userAt(0).email));
  const redemption = await probe(() => redeemTicket(browser, app, co.result.ticket));
  const sso = await probe(() => ssoProbe(browser, app, userAt(0).id));
  const info = await probe(() => userInfo(browser, redemption.result.accessToken, userAt(0).id));
  const grantCosts = await probe(() => passwordGrant(userAt(0).email));
  await removeCostProbe();

  progress(`lock: Lock's signup: ${WARMUP} warm-up + ${ITERATIONS} at c=1, a new user each`);
  const signup = await measureFlow("Lock's signup (POST /dbconnections/signup)", ['POST /dbconnections/signup'], WARMUP, ITERATIONS, async (i) => [
    (await signUp(new BenchBrowser(client, records), app, `lock-signup-${runId}-${i}@example.com`)).sample,
  ]);

  return {
    application: { client_id: app.clientId, page: LOCK_PAGE, origin: LOCK_ORIGIN },
    users: USERS,
    flow,
    login,
    passwordGrant: grant,
    signup,
    costs: { coAuthenticate: co.costs, redemption: redemption.costs, ssoProbe: sso.costs, userInfo: info.costs, passwordGrant: grantCosts.costs },
    baselines: {
      hostedLogin: ctx.hostedLogin ? baselineOf('hosted login round trip', 'this run', ctx.hostedLogin.total, 4) : HOSTED_LOGIN_DOCS,
      passwordGrant: baselineOf('password grant', 'this run, same user', grant.total, 1),
    },
  };
}

function baselineOf(label: string, source: string, s: StepStats, httpRequests: number): Baseline {
  return {
    name: label, source, httpRequests, dbRequests: commandCount(s.steady.commands), commands: s.steady.commands,
    readUnits: s.steady.readUnits, writeUnits: s.steady.writeUnits, p50: s.latencyMs.p50, p95: s.latencyMs.p95,
  };
}

/** A commandSet string ("BatchGetItem + 4 GetItem + Query") as a multiset. */
function multiset(commands: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of commands.split(' + ')) {
    const m = /^(?:(\d+) )?(\w+)$/.exec(part);
    if (m) out.set(m[2]!, (out.get(m[2]!) ?? 0) + Number(m[1] ?? 1));
  }
  return out;
}

export const commandCount = (commands: string) => [...multiset(commands).values()].reduce((a, b) => a + b, 0);

const tally = (commands: readonly string[]) => commands.reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>());

/** A multiset's signed counts, as "+2 PutItem, -1 GetItem" (sorted by name). */
function describeDelta(delta: Map<string, number>): string {
  const parts = [...delta].filter(([, d]) => d !== 0).sort(([a], [b]) => a.localeCompare(b));
  return parts.map(([n, d]) => `${d > 0 ? '+' : ''}${d} ${n}`).join(', ') || 'none';
}

/** What the multiset `a` has beyond `b`. */
export function difference(a: string, b: string): string {
  const delta = new Map(multiset(a));
  for (const [n, count] of multiset(b)) delta.set(n, (delta.get(n) ?? 0) - count);
  return describeDelta(delta);
}

/** The same as a Lock login's steady state, in this run's terms. */
function lockBaseline(r: LockResults): Baseline {
  return baselineOf('Lock login (steps 1+2)', 'this run', r.login, LOGIN_STEPS.length);
}

const ratio = (a: number, b: number) => (b > 0 ? `${fmt(a / b, 2)}x` : '-');

/**
 * A Lock login (steps 1+2) issues the password grant's requests plus exactly: the ticket's PutItem
 * (at /co/authenticate) and its conditional DeleteItem (the redemption), which are all the ticket
 * costs; and what any browser login pays, the hosted one too: the user's partition read again where
 * the login completes (the ticket carries only the user's id), the SSO session's PutItem, and the
 * DeleteItem of the user's oldest session (the one user here holds 5 from the warm-up on).
 */
export function targets(results: LockResults): TargetCheck[] {
  const lock = lockBaseline(results);
  const grant = results.baselines.passwordGrant;
  const wanted = describeDelta(tally([...TICKET_EXTRA, ...BROWSER_EXTRA, EVICTION]));
  const added = difference(lock.commands, grant.commands);
  const ticketAt = (costs: CommandCost[]) => costs.filter((c) => c.target.startsWith('COTICKET#')).map((c) => c.command).join(', ') || 'nothing';
  const atCo = ticketAt(results.costs.coAuthenticate);
  const atRedemption = ticketAt(results.costs.redemption);
  const { flow, passwordGrant } = results;
  return [{
    target: `a Lock login (steps 1+2) issues the password grant's requests plus exactly ${wanted} (steady state): the ticket's PutItem at /co/authenticate and DeleteItem at the redemption; the user's partition read again, the SSO session and the oldest session's end, as the hosted login`,
    pass: flow.errors === 0 && passwordGrant.errors === 0 && results.login.n > 0 && added === wanted && atCo === 'PutItem' && atRedemption === 'DeleteItem',
    detail:
      `${lock.commands} = ${fmt(lock.readUnits, 1)} RCU, ${fmt(lock.writeUnits, 1)} WCU (${results.login.steady.count} of ${results.login.n}) against the password grant's ` +
      `${grant.commands} = ${fmt(grant.readUnits, 1)} RCU, ${fmt(grant.writeUnits, 1)} WCU: ${added}; the ticket's item: ${atCo} at /co/authenticate, ${atRedemption} at the redemption` +
      (flow.errors ? `; ${flow.errors} failed logins, first: ${flow.firstError}` : '') +
      (passwordGrant.errors ? `; ${passwordGrant.errors} failed password grants, first: ${passwordGrant.firstError}` : ''),
  }];
}

export function report(results: LockResults, _run?: RunInfo): string {
  const row = (s: StepStats, n: string) => [
    s.step, n, fmt(s.latencyMs.p50), fmt(s.latencyMs.p95), fmt(s.handlerMs.p50), units(s.db.requests, s.db.requestsRange),
    units(s.db.readUnits, s.db.readUnitsRange), units(s.db.writeUnits, s.db.writeUnitsRange),
    s.commands.map((c) => (s.commands.length > 1 ? `${c.commands} x${c.count}` : c.commands)).join('; '),
  ];
  const headers = ['step', 'n', 'p50 ms', 'p95 ms', 'handler p50', 'DB req', 'RCU', 'WCU', 'commands'];
  const right = new Set([1, 2, 3, 4, 5, 6, 7]);
  const flow = (f: FlowStats, extra: StepStats[] = []) => [
    `\n-- ${f.name}: ${f.n} at c=1 after ${f.warmup} warm-up, ${f.total.httpRequests} HTTP request${f.total.httpRequests === 1 ? '' : 's'} each --`,
    table(
      headers,
      [...f.steps.map((s) => row(s, String(s.n))), ...(f.steps.length > 1 ? [row({ ...f.total, step: `whole (${f.total.httpRequests} requests)` }, String(f.total.n))] : []), ...extra.map((s) => row(s, String(s.n)))],
      right,
    ),
    `  steady state${f.steps.length > 1 ? ' of the whole' : ''}: ${f.total.steady.commands} = ${fmt(f.total.steady.readUnits, 1)} RCU, ${fmt(f.total.steady.writeUnits, 1)} WCU ` +
      `(${f.total.steady.count} of ${f.total.n}); ${fmt(f.total.perSecond, 1)} per second one at a time`,
    ...(f.errors ? [`  ${f.errors} failed iterations, first: ${f.firstError}`] : []),
  ];
  const lock = lockBaseline(results);
  const compare = (b: Baseline) => [
    b.name, b.source, String(b.httpRequests), String(b.dbRequests), fmt(b.readUnits, 1), fmt(b.writeUnits, 1), fmt(b.p50), fmt(b.p95),
    `${ratio(lock.httpRequests, b.httpRequests)} HTTP, ${ratio(lock.dbRequests, b.dbRequests)} DB req, ${ratio(lock.readUnits, b.readUnits)} RCU, ` +
      `${ratio(lock.writeUnits, b.writeUnits)} WCU, ${ratio(lock.p50, b.p50)} p50`,
    difference(lock.commands, b.commands),
  ];
  const { costs } = results;
  return [
    `\n== Lock (docs/lock.md): Lock 14.3's cross-origin login for an SPA page (${results.users} user, a new browser per login, response_type=token, then its SSO probe and /userinfo) ==`,
    ...flow(results.flow, [results.login]),
    `  a Lock login (steps 1+2), steady state: ${results.login.steady.commands} = ${fmt(results.login.steady.readUnits, 1)} RCU, ` +
      `${fmt(results.login.steady.writeUnits, 1)} WCU (${results.login.steady.count} of ${results.login.n}); p50 ${fmt(results.login.latencyMs.p50)} ms`,
    ...flow(results.passwordGrant),
    '\n-- a Lock login (steps 1+2) against other logins, steady state per login (Lock / other; commands: Lock minus other) --',
    table(
      ['login', 'figures from', 'HTTP', 'DB req', 'RCU', 'WCU', 'p50 ms', 'p95 ms', 'Lock / other', 'commands Lock adds'],
      [[lock.name, lock.source, String(lock.httpRequests), String(lock.dbRequests), fmt(lock.readUnits, 1), fmt(lock.writeUnits, 1), fmt(lock.p50), fmt(lock.p95), '', ''],
        compare(results.baselines.passwordGrant), compare(results.baselines.hostedLogin)],
      new Set([2, 3, 4, 5, 6, 7]),
    ),
    '\n-- one more Lock login and password grant, command by command (capacity units) --',
    `  POST /co/authenticate: ${describeCosts(costs.coAuthenticate)}`,
    `  GET /authorize?login_ticket: ${describeCosts(costs.redemption)}`,
    `  SSO probe: ${describeCosts(costs.ssoProbe)}`,
    `  GET /userinfo: ${describeCosts(costs.userInfo)}`,
    `  password grant: ${describeCosts(costs.passwordGrant)}`,
    ...flow(results.signup),
    '  DB figures are per request (per iteration for "whole" and the Lock login); the steady state is the most frequent command multiset.',
    '  Latency is indicative on a shared machine; request counts and capacity are the stable figures.',
  ].join('\n');
}

export function json(results: LockResults) {
  return { ...results, login: { ...results.login, ratioBasis: lockBaseline(results) } };
}

export const section = { name, run, report, targets } satisfies Section<LockResults, LockContext>;
