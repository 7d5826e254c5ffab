/**
 * `npm run bench`: the service on this machine (DynamoDB Local in memory, the local server with
 * every route), measured section by section, each section a module with `run`, `report` and
 * `targets` (section.ts), sharing one context (context.ts):
 * - users.ts: Management API operations over HTTP with DynamoDB's consumed capacity per request;
 * - logins.ts: password-realm and refresh_token grants with 0 and 3 small rules, the rules
 *   sandbox, argon2id and signing alone;
 * - custom-api.ts: client_credentials for a custom API, and a login with and without its `audience`;
 * - hosted-login.ts: the hosted login's authorize-to-token round trip, and prompt=none with a session;
 * - lock.ts: Lock's cross-origin login, its SSO probe, /userinfo and its signup;
 * - custom-db.ts: logins through custom database connections (migrating, migrated, legacy mode)
 *   against a loopback legacy store, set against a normal login;
 * - spinning.ts: requests measured while two logins spin;
 * - search.ts: search over BENCH_SEARCH_USERS loaded users;
 * - bundles.ts: every route's Lambda bundle (size, cold import).
 * Prints the reports and the targets, writes everything to .bench/results.json.
 * `BENCH_ONLY=search` runs the search section alone (to .bench/results-search.json);
 * `BENCH_ONLY=spinning` the requests measured while two logins spin (.bench/results-spinning.json);
 * `BENCH_ONLY=custom-api` the custom API's tokens and logins (.bench/results-custom-api.json);
 * `BENCH_ONLY=hosted-login` the hosted login (.bench/results-hosted-login.json);
 * `BENCH_ONLY=lock` Lock's login and signup (.bench/results-lock.json);
 * `BENCH_ONLY=custom-db` the custom database logins (.bench/results-custom-db.json).
 * A missed target is reported, not fatal: the exit code is non-zero only when the run crashes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JavaMissingError } from '#infra/local/dynamodb-local';
import * as bundles from '#test/bench/bundles';
import { startSession, type RunContext, type ServiceContext, type TableContext } from '#test/bench/context';
import * as customApi from '#test/bench/custom-api';
import * as customDb from '#test/bench/custom-db';
import * as hostedLogin from '#test/bench/hosted-login';
import * as lock from '#test/bench/lock';
import * as logins from '#test/bench/logins';
import * as search from '#test/bench/search';
import { targetLines, type RunInfo, type Section, type TargetCheck } from '#test/bench/section';
import * as spinning from '#test/bench/spinning';
import { round } from '#test/bench/stats';
import * as users from '#test/bench/users';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT_DIR = join(REPO_ROOT, '.bench');

const usersSection: Section<users.UsersResults, ServiceContext> = users;
const loginsSection: Section<logins.LoginsResults, logins.LoginsContext> = logins;
const spinningSection: Section<spinning.SpinningBench, ServiceContext> = spinning;
const searchSection: Section<search.SearchResults, TableContext> = search;
const bundlesSection: Section<bundles.BundlesResults, RunContext> = bundles;
const customApiSection: Section<customApi.CustomApiResults, ServiceContext> = customApi;
const hostedLoginSection: Section<hostedLogin.HostedLoginResults, ServiceContext> = hostedLogin;
const lockSection: Section<lock.LockResults, lock.LockContext> = lock;
const customDbSection: Section<customDb.CustomDbResults, customDb.CustomDbContext> = customDb;

/** The sections that run alone; unset, everything. */
const SECTIONS = [searchSection.name, spinningSection.name, customApiSection.name, hostedLoginSection.name, lockSection.name, customDbSection.name];
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && !SECTIONS.includes(ONLY)) {
  throw new Error(`BENCH_ONLY=${ONLY}: the sections that run alone are ${SECTIONS.join(', ')}`);
}

const loadNow = () => loadavg().map((n) => round(n, 2));

async function main(): Promise<void> {
  const wallStarted = performance.now();
  const loadAtStart = loadNow();
  const progress = (message: string) => console.log(`[bench ${((performance.now() - wallStarted) / 1000).toFixed(1)}s] ${message}`);
  const seconds = () => round((performance.now() - wallStarted) / 1000, 1);
  // Before the service starts: the sandbox reads its allow-list (the legacy store's port) once.
  const legacyStorePort = ONLY === undefined || ONLY === customDbSection.name ? await customDb.reserveStorePort() : undefined;
  const session = await startSession({ progress, repoRoot: REPO_ROOT });
  try {
    if (ONLY === searchSection.name) return await runAlone(searchSection, session.table, loadAtStart, seconds);
    const ctx = await session.startService();
    if (ONLY === spinningSection.name) return await runAlone(spinningSection, ctx, loadAtStart, seconds);
    if (ONLY === customApiSection.name) return await runAlone(customApiSection, ctx, loadAtStart, seconds, customApi.json);
    if (ONLY === hostedLoginSection.name) return await runAlone(hostedLoginSection, ctx, loadAtStart, seconds, hostedLogin.json);
    if (ONLY === lockSection.name) return await runAlone(lockSection, ctx, loadAtStart, seconds, lock.json);
    if (ONLY === customDbSection.name) return await runAlone(customDbSection, { ...ctx, legacyStorePort: legacyStorePort! }, loadAtStart, seconds, customDb.json);

    const usersResults = await usersSection.run(ctx);
    const loginsResults = await loginsSection.run({ ...ctx, operations: usersResults.ops });
    const customApiResults = await customApiSection.run(ctx);
    const hostedLoginResults = await hostedLoginSection.run(ctx);
    const lockResults = await lockSection.run({ ...ctx, hostedLogin: hostedLoginResults.roundTrip });
    const customDbResults = await customDbSection.run({ ...ctx, legacyStorePort: legacyStorePort! });
    const spinningResults = await spinningSection.run(ctx);
    // Search last, since it loads the table with BENCH_SEARCH_USERS users.
    const searchResults = await searchSection.run(ctx);
    // Stop the service before the bundles, so nothing else runs during cold imports.
    progress('stopping the server and DynamoDB Local');
    await session.close();
    const bundlesResults = await bundlesSection.run(ctx);

    const run: RunInfo = { records: ctx.records, load: { atStart: loadAtStart, atEnd: loadNow() } };
    const targets = [
      ...usersSection.targets(usersResults, run),
      ...bundlesSection.targets(bundlesResults, run),
      ...loginsSection.targets(loginsResults, run),
      ...customApiSection.targets(customApiResults, run),
      ...hostedLoginSection.targets(hostedLoginResults, run),
      ...lockSection.targets(lockResults, run),
      ...customDbSection.targets(customDbResults, run),
      ...searchSection.targets(searchResults, run),
      ...spinningSection.targets(spinningResults, run),
    ];
    console.log(spinningSection.report(spinningResults, run));
    console.log(usersSection.report(usersResults, run));
    console.log(loginsSection.report(loginsResults, run));
    console.log(customApiSection.report(customApiResults, run));
    console.log(hostedLoginSection.report(hostedLoginResults, run));
    console.log(lockSection.report(lockResults, run));
    console.log(customDbSection.report(customDbResults, run));
    console.log(searchSection.report(searchResults, run));
    console.log(bundlesSection.report(bundlesResults, run));
    printTargets(targets);

    const u = users.json(usersResults);
    writeResults('results.json', {
      timestamp: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${platform()} ${release()} ${arch()}`,
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryBytes: totalmem(),
        loadAverageAtStart: run.load.atStart,
        loadAverageAtEnd: run.load.atEnd,
      },
      setup: u.setup,
      operations: u.operations,
      firstCalls: u.firstCalls,
      logins: logins.json(loginsResults),
      customApi: customApi.json(customApiResults),
      hostedLogin: hostedLogin.json(hostedLoginResults),
      lock: lock.json(lockResults),
      customDb: customDb.json(customDbResults),
      search: searchResults,
      spinning: spinningResults,
      notes: u.notes,
      users: u.users,
      bundles: bundles.json(bundlesResults),
      targets,
      totalSeconds: seconds(),
    });
  } finally {
    await session.close();
  }
}

/** One section alone (`BENCH_ONLY`): its report and targets, to .bench/results-<name>.json. */
async function runAlone<R, C extends TableContext>(
  section: Section<R, C>, ctx: C, loadAtStart: number[], seconds: () => number, toJson: (results: R) => unknown = (r) => r,
): Promise<void> {
  const results = await section.run(ctx);
  const run: RunInfo = { records: ctx.records, load: { atStart: loadAtStart, atEnd: loadNow() } };
  console.log(section.report(results, run));
  const targets = section.targets(results, run);
  console.log('\n== Targets ==');
  for (const line of targetLines(targets)) console.log(line);
  writeResults(`results-${section.name}.json`, {
    timestamp: new Date().toISOString(),
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAverageAtEnd: loadNow() },
    [section.name]: toJson(results),
    targets,
    totalSeconds: seconds(),
  });
}

function printTargets(targets: TargetCheck[]): void {
  console.log('\n== Targets ==');
  for (const line of targetLines(targets)) console.log(line);
  const missed = targets.filter((t) => !t.pass);
  console.log(missed.length === 0 ? 'All targets met.' : `MISSED ${missed.length} of ${targets.length} targets: ${missed.map((t) => t.target).join('; ')}`);
}

function writeResults(file: string, results: Record<string, unknown> & { totalSeconds: number }): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, file), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nResults written to ${join(OUT_DIR, file)} (total ${results.totalSeconds} s)`);
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
