import { cpus } from 'node:os';
import type { RequestRecord } from '#shared/http/handler';
import type { LoginBench, LoginGrant, LoginRun } from '#test/bench/login-runs';
import { fail, type OpResult } from '#test/bench/measure';
import { round, summariseDb, type DbSummary } from '#test/bench/stats';

export interface LoginSummary {
  cores: number;
  /** Best password-realm logins/s over c=1,2,4, divided by the machine's cores. */
  perCore: { rules: number; bestLoginsPerSec: number; atConcurrency: number; loginsPerSecPerCore: number }[];
  /** Best rate of each grant over its concurrencies. */
  grantsPerSecond: { grant: string; rules: number | undefined; perSec: number; atConcurrency: number }[];
  /** CPU of this process per login at the best rate: what the service itself needs, without the store. */
  serviceCpu: { rules: number; nodeMsPerLogin: number; dynamoDbLocalMsPerLogin: number | undefined; loginsPerCpuSecond: number }[];
  rulesOverhead: {
    rules: number;
    passwordP50Ms: number;
    passwordHandlerP50Ms: number;
    refreshP50Ms: number;
    refreshHandlerP50Ms: number;
    sandboxP50Ms: number;
    sandboxP99Ms: number;
    sandboxEmptyP50Ms: number;
    sandboxEmptyP99Ms: number;
    sandboxFirstRunMs: number | undefined;
    /** extensionsRunner().run() as timed inside the logins at c=1 (p50/p99 per call). */
    inLogin: { grant: LoginGrant; p50Ms: number; p99Ms: number }[];
  };
  /** Handler time of a login at c=1 (p50), split into the p50s of what was timed inside each login or measured alone. */
  timeSplit: TimeSplit[];
  db: { password: LoginDb; refresh: LoginDb };
}

interface TimeSplit {
  grant: LoginGrant;
  rules: number;
  handlerP50Ms: number;
  /** argon2id verify measured alone (p50 at c=1); 0 for refresh. */
  argon2Ms: number;
  sandboxMs: number;
  dynamoDbWallMs: number;
  /** Two RS256 signatures (ID and access token), p50 of signJwt measured alone. */
  signingMs: number;
  restMs: number;
}

/** DynamoDB per login over all runs of a grant, and the steady-state login: the most common set of commands (cache refreshes aside). */
export interface LoginDb extends DbSummary {
  logins: number;
  steady: { commands: string[]; logins: number; maxReadUnits: number; maxWriteUnits: number };
  /** Logins that issued other commands (a cache of the client, connection, signing key or extensions being refreshed). */
  others: { commands: string[]; count: number }[];
}

/** The figures the report and targets use; `ops`: the operations section's runs (the client_credentials rate). */
export function summariseLogins(bench: LoginBench, ops: readonly OpResult[]): LoginSummary {
  const cores = cpus().length;
  const ruleCounts = [...new Set(bench.runs.map((r) => r.rules))].sort((a, b) => a - b);
  const withRules = ruleCounts[ruleCounts.length - 1] ?? 0;
  const runsOf = (grant: LoginGrant, rules: number) => bench.runs.filter((r) => r.grant === grant && r.rules === rules);
  const best = (runs: OpResult[]) => runs.reduce<OpResult | undefined>((a, b) => (!a || b.reqPerSec > a.reqPerSec ? b : a), undefined);
  const at = (grant: LoginGrant, rules: number, c: number) => runsOf(grant, rules).find((r) => r.concurrency === c);
  const need = <T>(value: T | undefined, what: string): T => value ?? fail(`no ${what} run`);

  const perCore = ruleCounts.map((rules) => {
    const top = need(best(runsOf('password-realm', rules)), `password login (${rules} rules)`);
    return { rules, bestLoginsPerSec: top.reqPerSec, atConcurrency: top.concurrency, loginsPerSecPerCore: round(top.reqPerSec / cores, 1) };
  });
  const clientCredentials = best(ops.filter((o) => o.name.includes('client_credentials')));
  const grantsPerSecond = [
    ...ruleCounts.flatMap((rules) =>
      (['password-realm', 'refresh_token'] as const).map((grant) => {
        const top = need(best(runsOf(grant, rules)), `${grant} (${rules} rules)`);
        return { grant, rules: rules as number | undefined, perSec: top.reqPerSec, atConcurrency: top.concurrency };
      }),
    ),
    ...(clientCredentials ? [{ grant: 'client_credentials', rules: undefined, perSec: clientCredentials.reqPerSec, atConcurrency: clientCredentials.concurrency }] : []),
  ];
  const serviceCpu = ruleCounts.map((rules) => {
    const top = need(best(runsOf('password-realm', rules)), 'password login');
    return {
      rules,
      nodeMsPerLogin: top.cpuMsPerRequest.node,
      dynamoDbLocalMsPerLogin: top.cpuMsPerRequest.dynamoDbLocal,
      loginsPerCpuSecond: round(1000 / top.cpuMsPerRequest.node, 1),
    };
  });

  const p0 = need(at('password-realm', 0, 1), 'password c=1 (0 rules)');
  const pN = need(at('password-realm', withRules, 1), `password c=1 (${withRules} rules)`);
  const r0 = need(at('refresh_token', 0, 1), 'refresh c=1 (0 rules)');
  const rN = need(at('refresh_token', withRules, 1), `refresh c=1 (${withRules} rules)`);
  const emptySandbox = need(bench.sandbox.find((s) => s.rules === 0), 'sandbox (0 rules)');
  const rulesSandbox = need(bench.sandbox.find((s) => s.rules === withRules), `sandbox (${withRules} rules)`);
  const rulesOverhead = {
    rules: withRules,
    passwordP50Ms: round(pN.latencyMs.p50 - p0.latencyMs.p50),
    passwordHandlerP50Ms: round(pN.handlerMs.p50 - p0.handlerMs.p50),
    refreshP50Ms: round(rN.latencyMs.p50 - r0.latencyMs.p50),
    refreshHandlerP50Ms: round(rN.handlerMs.p50 - r0.handlerMs.p50),
    sandboxP50Ms: rulesSandbox.ms.p50,
    sandboxP99Ms: rulesSandbox.ms.p99,
    sandboxEmptyP50Ms: emptySandbox.ms.p50,
    sandboxEmptyP99Ms: emptySandbox.ms.p99,
    sandboxFirstRunMs: emptySandbox.firstRunMs,
    inLogin: [pN, rN].flatMap((run) => {
      const r = run as LoginRun;
      return r.inside.sandboxCallMs ? [{ grant: r.grant, p50Ms: r.inside.sandboxCallMs.p50, p99Ms: r.inside.sandboxCallMs.p99 }] : [];
    }),
  };
  const signingMs = round(2 * bench.signMs.p50);
  const timeSplit = [p0, pN, r0, rN].map((run): TimeSplit => {
    const r = run as LoginRun;
    const argon2Ms = r.grant === 'password-realm' ? bench.argon2.sequential.p50 : 0;
    const { sandboxMs, dynamoDbWallMs } = r.inside.perLoginP50 ?? { sandboxMs: r.inside.sandboxMs, dynamoDbWallMs: r.inside.dynamoDbWallMs };
    return {
      grant: r.grant,
      rules: r.rules,
      handlerP50Ms: r.handlerMs.p50,
      argon2Ms,
      sandboxMs,
      dynamoDbWallMs,
      signingMs,
      restMs: round(r.handlerMs.p50 - argon2Ms - sandboxMs - dynamoDbWallMs - signingMs),
    };
  });
  const dbOf = (grant: LoginGrant): LoginDb => {
    const records = bench.runs.filter((r) => r.grant === grant).flatMap((r) => r.records);
    const keyOf = (r: RequestRecord) => [...r.db.commands].sort().join('+');
    const counts = new Map<string, number>();
    for (const r of records) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1);
    const modal = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    const steady = records.filter((r) => keyOf(r) === modal);
    const summary = summariseDb(records);
    return {
      ...summary,
      logins: records.length,
      steady: {
        commands: modal ? modal.split('+') : [],
        logins: steady.length,
        maxReadUnits: Math.max(...steady.map((r) => r.db.readUnits)),
        maxWriteUnits: Math.max(...steady.map((r) => r.db.writeUnits)),
      },
      others: summariseDb(records.filter((r) => keyOf(r) !== modal)).commandLists,
    };
  };
  return { cores, perCore, grantsPerSecond, serviceCpu, rulesOverhead, timeSplit, db: { password: dbOf('password-realm'), refresh: dbOf('refresh_token') } };
}
