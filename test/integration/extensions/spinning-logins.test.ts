import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import { percentile } from '#test/bench/stats';
import { startService, type RunningService } from '#test/support/local-service';

/**
 * Issue 8: a rule that spins must not stall the local server. `npm start` (on this run's DynamoDB
 * Local, in a table of its own) with a `while (true) {}` rule and a 3 s budget; two password
 * logins spin while JWKS, GET user and client_credentials are measured back to back. Before rules
 * ran off the main thread, every one of those waited for the loop: up to twice the budget.
 *
 * The latency target is the issue's: p99 < 50 ms while two logins spin, where the requests take
 * a few ms each on a quiet machine. On a machine busy with other work the idle p99 itself can
 * exceed 50 ms (measured: 120–300 ms at a load average of 14 on 2 cores), so the bound is the
 * larger of 50 ms and twice the idle p99 measured just before. A stalled main thread shows up as
 * seconds either way: before the fix, requests waited up to twice the budget.
 */
const BUDGET_MS = 5_000;
const TARGET_P99_MS = 50;
const IDLE_FACTOR = 2;
const MIN_SAMPLES = 20;
/**
 * A spinning login ends at its budget plus argon2id, DynamoDB and the worker's reply: well under a
 * second on a quiet machine, up to 1.8 s measured at a load average of 18. In-process the second
 * login waited for the first, ending after twice the budget.
 */
const LATE_MS = BUDGET_MS / 2;
const PASSWORD = 'Spin-Passw0rd!';

const dataDir = mkdtempSync(join(tmpdir(), 'identity-spinning-'));
let service: RunningService | undefined;
let base = '';
let bootstrap: {
  management: { client_id: string; client_secret: string; audience: string };
  application: { client_id: string; client_secret: string };
  connection: string;
};
let management = '';

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const clientCredentials = () =>
  post('/oauth/token', {
    grant_type: 'client_credentials', client_id: bootstrap.management.client_id,
    client_secret: bootstrap.management.client_secret, audience: bootstrap.management.audience,
  });

const passwordLogin = (email: string) =>
  post('/oauth/token', {
    grant_type: 'http://auth0.com/oauth/grant-type/password-realm', realm: bootstrap.connection,
    username: email, password: PASSWORD, scope: 'openid',
    client_id: bootstrap.application.client_id, client_secret: bootstrap.application.client_secret,
  });

beforeAll(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  service = await startService({
    PORT: String(port), DATA_DIR: dataDir, TABLE_NAME: `spin-${randomBytes(6).toString('hex')}`,
    ISSUER: `${base}/`, EXTENSIONS_BUDGET_MS: String(BUDGET_MS), EXTENSIONS_CACHE_MS: '0',
    // Two workers, both taken by the spinning logins: the measured requests need none.
    EXTENSIONS_WORKERS: '2',
  });
  bootstrap = JSON.parse(readFileSync(join(dataDir, 'bootstrap.json'), 'utf8')) as typeof bootstrap;
  management = ((await (await clientCredentials()).json()) as { access_token: string }).access_token;
}, 120_000);

afterAll(async () => {
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Each of the three requests back to back, the three side by side, until `until` settles. */
async function measure(userPath: string, until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true));
  const requests: Record<string, () => Promise<Response>> = {
    jwks: () => fetch(`${base}/.well-known/jwks.json`),
    'GET user': () => fetch(`${base}${userPath}`, { headers: { authorization: `Bearer ${management}` } }),
    client_credentials: clientCredentials,
  };
  const ms: Record<string, number[]> = {};
  const statuses = new Set<number>();
  await Promise.all(
    Object.entries(requests).map(async ([name, send]) => {
      const values: number[] = (ms[name] = []);
      while (!done) {
        const started = performance.now();
        const res = await send();
        await res.arrayBuffer();
        values.push(performance.now() - started);
        statuses.add(res.status);
      }
    }),
  );
  return { ms, statuses };
}

const p99 = (values: number[] | undefined) => percentile(values ?? [], 0.99);

describe('logins whose rule spins', () => {
  it('end in the timeout error at their budget while JWKS, GET user and client_credentials keep their latency', async () => {
    const email = `spin-${randomBytes(4).toString('hex')}@example.com`;
    const created = await post('/api/v2/users', { connection: bootstrap.connection, email, password: PASSWORD }, { authorization: `Bearer ${management}` });
    expect(created.status).toBe(201);
    const userPath = `/api/v2/users/${encodeURIComponent(((await created.json()) as { user_id: string }).user_id)}`;

    // A login with a quick rule first: the service's first login starts its rules runner.
    const quick = await post('/api/v2/rules', { name: 'quick', script: 'function (user, context, callback) { callback(null, user, context); }' }, { authorization: `Bearer ${management}` });
    expect(quick.status).toBe(201);
    expect((await passwordLogin(email)).status).toBe(200);
    // Unmeasured requests warm DynamoDB Local's JVM for them (and the pool starts its second
    // worker meanwhile: up to 5 s on a busy machine), then the idle baseline.
    const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
    await measure(userPath, sleep(5_000));
    const idle = await measure(userPath, sleep(BUDGET_MS));

    const spin = await post('/api/v2/rules', { name: 'spin', script: 'function (user, context, callback) { while (true) {} }' }, { authorization: `Bearer ${management}` });
    expect(spin.status).toBe(201);
    const spinning = [0, 1].map(async () => {
      const started = performance.now();
      const res = await passwordLogin(email);
      return { status: res.status, body: await res.json(), ms: performance.now() - started };
    });
    const { ms, statuses } = await measure(userPath, Promise.all(spinning));
    const logins = await Promise.all(spinning);

    expect([...statuses]).toEqual([200]);
    for (const [name, values] of Object.entries(ms)) {
      // Hundreds each on a quiet machine; a handful when the main thread was held up.
      expect(values.length, name).toBeGreaterThanOrEqual(MIN_SAMPLES);
      const bound = Math.max(TARGET_P99_MS, IDLE_FACTOR * p99(idle.ms[name]));
      expect(p99(values), `${name}: p99 of ${values.length} while spinning, idle p99 ${p99(idle.ms[name]).toFixed(1)} ms`).toBeLessThan(bound);
    }
    for (const login of logins) {
      expect(login.status).toBe(500);
      expect(login.body).toEqual({
        error: 'server_error',
        error_description: expect.stringMatching(/^A rule or action failed during this login; the tenant log has the details\. Reference: [0-9a-f-]{36}$/),
      });
      expect(login.ms).toBeGreaterThanOrEqual(BUDGET_MS);
      expect(login.ms).toBeLessThan(BUDGET_MS + LATE_MS);
    }
    const timeouts = service!.output().match(/Rule 'spin' did not finish within the login's time budget of 5000 ms/g) ?? [];
    expect(timeouts).toHaveLength(2);
  }, 60_000);
});
