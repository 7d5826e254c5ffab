import { cpus } from 'node:os';
import type { ServiceContext } from '#test/bench/context';
import { fmt, signed, table, units } from '#test/bench/format';
import { BENCH_RULES, LOGIN_SCOPE, PASSWORD_REALM_GRANT } from '#test/bench/login-probes';
import { benchLogins, LOGIN_USERS, type LoginBench } from '#test/bench/login-runs';
import { summariseLogins, type LoginDb, type LoginSummary } from '#test/bench/login-summary';
import type { OpResult } from '#test/bench/measure';
import type { TargetCheck } from '#test/bench/section';
import { signingCostLine } from '#test/bench/signing';
import { describeCommands } from '#test/bench/stats';

/**
 * Logins (issue 3): POST /oauth/token with the password-realm and refresh_token grants, 0 and 3
 * small rules, per core against Keycloak's published figure; DynamoDB per login; where the time of
 * a login goes (argon2id, sandbox, DynamoDB, signing). Measured in login-runs.ts, summarised in
 * login-summary.ts.
 */
export const name = 'logins';

/** Keycloak's published sizing: 15 password logins per second per vCPU. */
const KEYCLOAK_LOGINS_PER_VCPU = 15;
/**
 * The anchors' 1 RCU per login, plus the 0.5 that the issue allows for the extensions generation
 * read (an eventually consistent GetItem per login, so a rule change reaches the next login).
 */
const FRESHNESS_RCU_PER_LOGIN = 0.5;
const MAX_RCU_PER_LOGIN = 1 + FRESHNESS_RCU_PER_LOGIN;
const MAX_WCU_PER_LOGIN = 3;
const MAX_RULES_OVERHEAD_MS = 5;

/** The service, and the operations measured before (the client_credentials grant's best rate joins the logins' rates). */
export type LoginsContext = ServiceContext & { operations: readonly OpResult[] };

export interface LoginsResults {
  bench: LoginBench;
  summary: LoginSummary;
}

export async function run(ctx: LoginsContext): Promise<LoginsResults> {
  const bench = await benchLogins(ctx);
  return { bench, summary: summariseLogins(bench, ctx.operations) };
}

export function targets({ bench, summary: s }: LoginsResults): TargetCheck[] {
  const targets: TargetCheck[] = [];
  for (const p of s.perCore) {
    const rates = bench.runs
      .filter((r) => r.grant === 'password-realm' && r.rules === p.rules)
      .map((r) => `c=${r.concurrency} ${fmt(r.reqPerSec, 1)}/s`)
      .join(', ');
    const errors = bench.runs.filter((r) => r.grant === 'password-realm' && r.rules === p.rules).reduce((n, r) => n + r.errors, 0);
    targets.push({
      target: `password logins/s per core > ${KEYCLOAK_LOGINS_PER_VCPU} (Keycloak's published figure per vCPU), ${p.rules} rules`,
      pass: p.loginsPerSecPerCore > KEYCLOAK_LOGINS_PER_VCPU && errors === 0,
      detail: `best ${fmt(p.bestLoginsPerSec, 1)}/s (c=${p.atConcurrency}) / ${s.cores} cores = ${fmt(p.loginsPerSecPerCore, 1)}/s per core (${rates}${errors ? `; ${errors} errors` : ''})`,
    });
  }
  const dbTarget = (what: string, db: LoginDb) => {
    const st = db.steady;
    const pass = st.logins > 0 && st.maxReadUnits <= MAX_RCU_PER_LOGIN && st.maxWriteUnits <= MAX_WCU_PER_LOGIN;
    const others = db.others.reduce((n, o) => n + o.count, 0);
    targets.push({
      target: `<= ${MAX_RCU_PER_LOGIN} RCU and <= ${MAX_WCU_PER_LOGIN} WCU per ${what} (steady state, EXTENSIONS_CACHE_MS ${bench.extensionsCacheMs})`,
      pass,
      detail:
        `${st.logins} of ${db.logins} logins: ${st.commands.join('+')} = ${fmt(st.maxReadUnits, 1)} RCU, ${fmt(st.maxWriteUnits, 1)} WCU; ` +
        `mean over all ${fmt(db.readUnits, 3)} RCU, ${fmt(db.writeUnits, 3)} WCU` +
        (others ? ` (${others} also refreshed a cache: ${db.others.map((o) => `${o.commands.join('+')} x${o.count}`).join('; ')})` : ''),
    });
  };
  dbTarget('password login', s.db.password);
  dbTarget('refresh login', s.db.refresh);
  const o = s.rulesOverhead;
  const inLoginOk = o.inLogin.length > 0 && o.inLogin.every((x) => x.p50Ms < MAX_RULES_OVERHEAD_MS);
  targets.push({
    target: `rules overhead < ${MAX_RULES_OVERHEAD_MS} ms for ${o.rules} small rules (run() p50, alone and inside logins)`,
    pass: o.sandboxP50Ms < MAX_RULES_OVERHEAD_MS && inLoginOk && bench.sandbox.every((x) => x.errors === 0),
    detail:
      `alone p50 ${fmt(o.sandboxP50Ms)} ms, p99 ${fmt(o.sandboxP99Ms)} ms (0 rules: p50 ${fmt(o.sandboxEmptyP50Ms)}); ` +
      `inside logins at c=1: ${o.inLogin.map((x) => `${x.grant} p50 ${fmt(x.p50Ms)} ms, p99 ${fmt(x.p99Ms)} ms`).join('; ')}; ` +
      `login p50 with ${o.rules} rules minus 0 rules (runs minutes apart): password ${signed(o.passwordP50Ms)} ms, refresh ${signed(o.refreshP50Ms)} ms`,
  });
  return targets;
}

export function report({ bench, summary: s }: LoginsResults): string {
  const lines: string[] = [];
  lines.push(
    `\n== Logins: POST /oauth/token (password-realm, scope "${LOGIN_SCOPE}"; argon2id m=19 MiB t=2 p=1; ${s.cores} cores; rules kept ${bench.extensionsCacheMs} ms at most, checked each login) ==`,
  );
  const rows = bench.runs.map((r) => [
    r.grant,
    String(r.rules),
    String(r.concurrency),
    String(r.n),
    fmt(r.latencyMs.p50),
    fmt(r.latencyMs.p99),
    fmt(r.handlerMs.p50),
    fmt(r.reqPerSec, 1),
    fmt(r.cpuMsPerRequest.node, 1),
    r.cpuMsPerRequest.dynamoDbLocal === undefined ? '-' : fmt(r.cpuMsPerRequest.dynamoDbLocal, 1),
    units(r.db.requests, r.db.requestsRange),
    units(r.db.readUnits, r.db.readUnitsRange),
    units(r.db.writeUnits, r.db.writeUnitsRange),
    fmt(r.load1, 1),
    describeCommands(r.db.commandLists),
    r.errors > 0 ? `${r.errors} errors` : '',
  ]);
  lines.push(
    table(
      ['grant', 'rules', 'c', 'n', 'p50 ms', 'p99 ms', 'handler p50', 'logins/s', 'CPU ms node', 'CPU ms DDB Local', 'DB req', 'RCU', 'WCU', 'load', 'commands', ''],
      rows,
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
    ),
  );
  for (const r of bench.runs) if (r.firstError) lines.push(`  ${r.name} c=${r.concurrency}: ${r.errors} unexpected answers, first: ${r.firstError}`);
  lines.push(
    '  "CPU ms": CPU time per login of this Node process (server, rules sandbox, argon2 threads, and the HTTP client) and of DynamoDB Local\'s JVM. "load": 1-minute load average at the end of the run (other work shares the machine).',
  );

  lines.push('\n  Per core (best password logins/s over c=1,2,4 / cores; Keycloak publishes 15/s per vCPU):');
  for (const p of s.perCore) {
    const cpu = s.serviceCpu.find((c) => c.rules === p.rules);
    lines.push(
      `    ${p.rules} rules: ${fmt(p.bestLoginsPerSec, 1)}/s at c=${p.atConcurrency} / ${s.cores} = ${fmt(p.loginsPerSecPerCore, 1)}/s per core` +
        (cpu
          ? `; the service itself used ${fmt(cpu.nodeMsPerLogin, 1)} ms CPU per login (${fmt(cpu.loginsPerCpuSecond, 1)} logins per CPU-second), DynamoDB Local ${cpu.dynamoDbLocalMsPerLogin === undefined ? '(not measured)' : `${fmt(cpu.dynamoDbLocalMsPerLogin, 1)} ms`}`
          : ''),
    );
  }
  lines.push(
    `  Grants per second (best over concurrencies): ${s.grantsPerSecond
      .map((g) => `${g.grant}${g.rules === undefined ? '' : ` (${g.rules} rules)`} ${fmt(g.perSec, 1)}/s at c=${g.atConcurrency}`)
      .join('; ')}`,
  );
  const o = s.rulesOverhead;
  lines.push(`\n  Rules step (${o.rules} small rules vs 0; c=1, p50):`);
  lines.push(
    `    login p50 with ${o.rules} rules minus 0 rules (runs minutes apart, so load changes show): password ${signed(o.passwordP50Ms)} ms (handler ${signed(o.passwordHandlerP50Ms)} ms); refresh ${signed(o.refreshP50Ms)} ms (handler ${signed(o.refreshHandlerP50Ms)} ms)`,
  );
  for (const x of o.inLogin) lines.push(`    run() timed inside the ${x.grant} logins (c=1): p50 ${fmt(x.p50Ms)} ms, p99 ${fmt(x.p99Ms)} ms`);
  for (const x of bench.sandbox) {
    lines.push(
      `    sandbox alone, extensionsRunner().run() in-process, ${x.rules} rules: p50 ${fmt(x.ms.p50)} ms, p99 ${fmt(x.ms.p99)} ms, max ${fmt(x.ms.max)} ms (n=${x.runs}${x.errors ? `, ${x.errors} errors: ${x.firstError}` : ''})` +
        `; ${fmt(x.cpuMsPerRun)} ms CPU per run` +
      (x.firstRunMs === undefined
        ? ''
        : `; cold start in this process: import ${fmt(bench.sandboxColdStart.importMs, 1)} ms, loading QuickJS (its emscripten module through tsx, and the wasm) ${fmt(bench.sandboxColdStart.compileMs, 1)} ms, first run ${fmt(x.firstRunMs)} ms`),
    );
  }
  lines.push(`    with 0 rules a login skips the sandbox entirely; the very next login ran the new rules (it answered ${fmt(bench.rulesActiveAfterMs)} ms after the last was created)`);
  const f = bench.freshness;
  lines.push(
    `    keeping rules fresh (loadLoginExtensions metered alone): ${fmt(f.unchanged.requestsPerLogin, 2)} requests and ${fmt(f.unchanged.readUnitsPerLogin, 3)} RCU per login with nothing changed (${f.unchanged.commands.join(', ')}; n=${f.unchanged.logins}); ` +
      `the first login after a change: ${f.afterChange.commands.join('+')}, ${fmt(f.afterChange.readUnits, 2)} RCU`,
  );
  lines.push(`    rule 2 refusing a flagged user: ${bench.denyCheck.pass ? 'ok' : 'UNEXPECTED'}, ${bench.denyCheck.detail}`);

  const a = bench.argon2;
  lines.push(
    '\n  Where the time goes in a login (c=1, p50 ms of each part; DynamoDB and the sandbox timed inside each login, argon2id and signing measured alone; "rest" is the remainder):',
  );
  lines.push(
    table(
      ['grant', 'rules', 'handler', 'argon2id', 'sandbox', 'DynamoDB (wall)', '2 x RS256', 'rest'],
      s.timeSplit.map((t) => [
        t.grant,
        String(t.rules),
        fmt(t.handlerP50Ms),
        t.argon2Ms ? fmt(t.argon2Ms) : '-',
        t.sandboxMs ? fmt(t.sandboxMs) : '-',
        fmt(t.dynamoDbWallMs),
        fmt(t.signingMs),
        fmt(t.restMs),
      ]),
      new Set([1, 2, 3, 4, 5, 6, 7]),
    )
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  );
  lines.push(
    `    argon2id alone: p50 ${fmt(a.sequential.p50)} ms, p99 ${fmt(a.sequential.p99)} ms at c=1 (${fmt(a.sequentialPerSec, 1)}/s); ${fmt(a.concurrentPerSec, 1)}/s at c=${a.concurrency}, ${fmt(a.cpuMsPerVerify, 1)} ms CPU each: the hash alone would allow ~${fmt((1000 / a.cpuMsPerVerify) * s.cores, 0)} logins/s on ${s.cores} cores`,
  );
  lines.push(`    RS256 signature alone (signJwt): p50 ${fmt(bench.signMs.p50)} ms, p99 ${fmt(bench.signMs.p99)} ms; "rest": request parsing, client authentication, building the rules' input, claims, JSON, event-loop waits`);
  lines.push(signingCostLine(bench.signMs));
  const sandboxRuns = bench.runs.filter((r) => r.inside.sandboxCallMs);
  if (sandboxRuns.length > 0) {
    lines.push(
      `    run() inside logins: ${sandboxRuns
        .map((r) => `${r.grant} c=${r.concurrency} p50 ${fmt(r.inside.sandboxCallMs!.p50)} / p99 ${fmt(r.inside.sandboxCallMs!.p99)} ms`)
        .join('; ')}`,
    );
  }
  const dbLine = (what: string, db: LoginDb) =>
    lines.push(
      `    ${what}: ${fmt(db.requests, 2)} requests, ${fmt(db.readUnits, 3)} RCU, ${fmt(db.writeUnits, 3)} WCU per login (mean of ${db.logins}); ${db.commandLists
        .map((l) => `${l.commands.join('+') || '(none)'} x${l.count}`)
        .join('; ')}`,
    );
  lines.push('\n  DynamoDB per login (all concurrencies and rule counts together; commands in completion order; extra reads are caches being refreshed):');
  dbLine('password-realm', s.db.password);
  dbLine('refresh_token', s.db.refresh);
  lines.push(`  Login user item ${bench.userItemBytes} B. Load average (1/5/15 min) at the start of the login runs ${bench.loadAtStart.join(' / ')}, at the end ${bench.loadAtEnd.join(' / ')}.`);
  return lines.join('\n');
}

/** This section's part of results.json. */
export function json({ bench, summary }: LoginsResults) {
  return {
    setup: {
      users: LOGIN_USERS,
      userItemBytes: bench.userItemBytes,
      grant: PASSWORD_REALM_GRANT,
      scope: LOGIN_SCOPE,
      rules: BENCH_RULES,
      extensionsCacheMs: bench.extensionsCacheMs,
      passwordHash: 'argon2id m=19456 KiB, t=2, p=1 (shared/tenant/passwords/hash.ts)',
      cores: cpus().length,
      loadAverageAtStart: bench.loadAtStart,
      loadAverageAtEnd: bench.loadAtEnd,
    },
    runs: bench.runs.map(({ records: _r, warmupRecords: _w, ...run }) => run),
    summary,
    sandbox: bench.sandbox,
    argon2: bench.argon2,
    rulesActiveAfterMs: bench.rulesActiveAfterMs,
    freshness: bench.freshness,
    denyCheck: bench.denyCheck,
  };
}
