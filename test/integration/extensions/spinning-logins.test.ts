import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';
import { percentile } from '#test/bench/stats';
import { startService, type RunningService } from '#test/support/local-service';

/**
 * Issue 8: a rule that spins must not stall the local server. `npm start` (on this run's DynamoDB
 * Local, in a table of its own) with a rule that runs `while (true) {}` for flagged users and a
 * 5 s budget; two flagged users' password logins spin while JWKS, GET user and client_credentials
 * are measured, each back to back, the three side by side. Before rules
 * ran off the main thread, every one of those waited for the loop: up to twice the budget.
 *
 * The latency target is the issue's: p99 < 50 ms while two logins spin, where the requests take
 * a few ms each on a quiet machine. On a machine busy with other work the idle p99 itself can
 * exceed 50 ms (measured: 60–300 ms at a load average of 14 on 2 cores), so the bound is the
 * larger of 50 ms and three times the idle p99 measured just before (at that load the p99 of a
 * hundred samples moves by that much from one run to the next). A stalled main thread shows up as
 * seconds either way: before the fix, requests waited up to twice the budget.
 */
const BUDGET_MS = 5_000;
const TARGET_P99_MS = 50;
const IDLE_FACTOR = 3;
const MIN_SAMPLES = 20;
/**
 * A spinning login ends at its budget plus argon2id, DynamoDB and the worker's reply: well under a
 * second on a quiet machine, up to 1.8 s measured at a load average of 18. In-process the second
 * login waited for the first, ending after twice the budget.
 */
const LATE_MS = BUDGET_MS / 2;
const PASSWORD = 'Spin-Passw0rd!';
const SPIN_RULE = 'function (user, context, callback) { if (user.app_metadata.spin) { while (true) {} } callback(null, user, context); }';

const dataDir = mkdtempSync(join(tmpdir(), 'identity-spinning-'));
let service: RunningService | undefined;
let base = '';
let bootstrap: BootstrapCredentials;
let management = '';
/** A user the rule lets through, and one it spins for. */
let plain = { email: '', path: '' };
let spinner = { email: '', path: '' };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

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
  bootstrap = JSON.parse(readFileSync(join(dataDir, 'bootstrap.json'), 'utf8')) as BootstrapCredentials;
  management = ((await (await clientCredentials()).json()) as { access_token: string }).access_token;
  const auth = { authorization: `Bearer ${management}` };
  const rule = await post('/api/v2/rules', { name: 'spin', script: SPIN_RULE }, auth);
  expect(rule.status).toBe(201);
  const createUser = async (appMetadata: Record<string, unknown>) => {
    const email = `spin-${randomBytes(4).toString('hex')}@example.com`;
    const res = await post('/api/v2/users', { connection: bootstrap.connection, email, password: PASSWORD, app_metadata: appMetadata }, auth);
    expect(res.status).toBe(201);
    return { email, path: `/api/v2/users/${encodeURIComponent(((await res.json()) as { user_id: string }).user_id)}` };
  };
  plain = await createUser({});
  spinner = await createUser({ spin: true });
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
    const userPath = plain.path;
    // A login the rule lets through first: the service's first login starts its rules runner.
    expect((await passwordLogin(plain.email)).status).toBe(200);
    // Unmeasured requests warm DynamoDB Local's JVM for them (and the pool starts its second
    // worker meanwhile: up to 5 s on a busy machine), then the idle baseline.
    await measure(userPath, sleep(5_000));
    const idle = await measure(userPath, sleep(BUDGET_MS));

    const spinning = [0, 1].map(async () => {
      const started = performance.now();
      const res = await passwordLogin(spinner.email);
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
