import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';
import { createSelfSignedCert, startTlsProxy, type SelfSignedCert, type TlsProxy } from '#test/support/tls-proxy';

/**
 * Auth0's own Node SDK (`auth0` v7, ManagementClient) against `npm start`, as our users run it:
 * the service started the way a newcomer starts it, behind HTTPS (the SDK only speaks
 * https://<domain>/), with ISSUER set to the public https URL. The SDK runs in its own process
 * (test/e2e/fixtures/sdk-flow.mjs) because NODE_EXTRA_CA_CERTS is read only at process start.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/sdk-flow.mjs', import.meta.url));
const USER_ID = /^auth0\|[0-9a-f]{24}$/;

let dir: string;
let cert: SelfSignedCert;
let domain: string;
let service: ChildProcess | undefined;
let serviceOutput = '';
let proxy: TlsProxy | undefined;
let credentials: BootstrapCredentials;

/** The environment of a newcomer's shell: nothing the test runner added, nothing pointing at test tables. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^VITEST/.test(name) || ['TEST', 'DYNAMODB_ENDPOINT', 'TABLE_NAME', 'ISSUER'].includes(name)) delete env[name];
  }
  if (env.NODE_ENV === 'test') delete env.NODE_ENV;
  return { ...env, ...extra };
}

function exited(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => {
    const timer = setTimeout(() => done('timeout'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal });
    });
  });
}

async function startService(httpPort: number, tlsPort: number): Promise<ChildProcess> {
  // Its own process group, so the cleanup can kill npx, tsx, node and DynamoDB Local together.
  const child = spawn('npx', ['tsx', 'infra/local/start.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: shellEnv({ PORT: String(httpPort), DATA_DIR: dir, ISSUER: `https://localhost:${tlsPort}/`, LOG_LEVEL: 'warn' }),
  });
  const listening = new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`service did not start within 60 s; output:\n${serviceOutput}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      serviceOutput += chunk.toString();
      if (/listening on/.test(serviceOutput)) {
        clearTimeout(timer);
        ready();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (serviceOutput += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`service exited with code ${code} before listening; output:\n${serviceOutput}`));
    });
  });
  service = child;
  await listening;
  return child;
}

function runSdk(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [fixture], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: shellEnv({
      NODE_EXTRA_CA_CERTS: cert.certPath,
      AUTH0_DOMAIN: domain,
      AUTH0_CLIENT_ID: credentials.management.client_id,
      AUTH0_CLIENT_SECRET: credentials.management.client_secret,
    }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'auth0-sdk-e2e-'));
  const [httpPort, tlsPort] = [await freePort(), await freePort()];
  domain = `localhost:${tlsPort}`;
  cert = createSelfSignedCert(dir);
  await startService(httpPort, tlsPort);
  proxy = await startTlsProxy({ port: tlsPort, target: httpPort, cert });
  credentials = JSON.parse(readFileSync(join(dir, 'bootstrap.json'), 'utf8')) as BootstrapCredentials;
}, 90_000);

interface ProcessRow {
  pid: number;
  ppid: number;
  pgid: number;
  args: string;
}

/** Every process on the machine, from POSIX `ps`. */
function processes(): ProcessRow[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return m ? [{ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[4]! }] : [];
    });
}

function descendants(pid: number): ProcessRow[] {
  const rows = processes();
  const found: ProcessRow[] = [];
  for (let parents = [pid]; parents.length > 0; ) {
    const next = rows.filter((r) => parents.includes(r.ppid));
    found.push(...next);
    parents = next.map((r) => r.pid);
  }
  return found;
}

/** What is left of a process group after `ms` (helpers such as esbuild's may take a moment). */
async function leftoversOf(pgid: number, ms: number): Promise<string[]> {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
    const left = processes().filter((r) => r.pgid === pgid && !r.args.startsWith('ps '));
    if (left.length === 0 || Date.now() > deadline) return left.map((r) => r.args);
  }
}

let shutdown: { exit: Awaited<ReturnType<typeof exited>>; leftovers: string[] } | undefined;

afterAll(async () => {
  await proxy?.close();
  const pid = service?.pid;
  if (service && pid !== undefined) {
    try {
      // SIGINT to the tsx that npx started, as `kill -INT` would: tsx relays it to the service,
      // which must stop its server and its DynamoDB Local and exit 0, which sh and npx pass on.
      // (Ctrl-C to the whole group would hide that code: npm then re-raises SIGINT on itself.)
      const tsx = descendants(pid).find((p) => /\.bin\/tsx |tsx\/dist\/cli\.mjs /.test(p.args));
      if (!tsx) throw new Error(`no tsx process under npx ${pid}: ${JSON.stringify(descendants(pid))}`);
      process.kill(tsx.pid, 'SIGINT');
      shutdown = { exit: await exited(service, 20_000), leftovers: await leftoversOf(pid, 3_000) };
    } finally {
      // Whatever happened, leave no npx, tsx, node or java of that group behind.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is gone: the clean case.
      }
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(shutdown, `service output:\n${serviceOutput}`).toEqual({ exit: { code: 0, signal: null }, leftovers: [] });
  expect(serviceOutput.trimEnd()).toMatch(/\nSIGINT: stopping$/);
}, 60_000);

describe('Auth0 Node SDK (ManagementClient) against the service behind HTTPS', () => {
  it('manages users end to end, with Auth0 shapes and errors', async () => {
    const run = await runSdk();
    expect(run.code, `sdk-flow failed:\n${run.stderr}\nservice output:\n${serviceOutput}`).toBe(0);
    const r = JSON.parse(run.stdout);

    // Created, then read back: Auth0's id format, the email lowercased, metadata as sent.
    expect(r.created.user_id).toMatch(USER_ID);
    expect(r.created).toMatchObject({
      email: 'ada.lovelace@example.com',
      email_verified: false,
      user_metadata: { hobby: 'surfing' },
      app_metadata: { plan: 'gold' },
      identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: r.created.user_id.slice(6), isSocial: false }],
    });
    expect(r.created.user_metadata).toEqual({ hobby: 'surfing' });
    expect(r.fetched).toEqual(r.created);

    // PATCH merges user_metadata; a null value deletes its key.
    expect(r.updated.user_metadata).toEqual({ theme: 'dark' });
    expect(r.updated.app_metadata).toEqual({ plan: 'gold' });
    expect(r.afterUpdate).toEqual(r.updated);

    expect(r.byEmail).toEqual([r.afterUpdate]);

    // Paging with include_totals: Auth0's envelope, and the SDK's own iteration over it.
    expect(r.paging.firstPage).toMatchObject({ start: 0, limit: 1, length: 1, total: 2 });
    expect(r.paging.firstPageData).toEqual([r.created.user_id]);
    expect(r.paging.hasNextPage).toBe(true);
    expect(r.iterated).toHaveLength(2);
    expect(r.iterated[0]).toBe(r.created.user_id);
    expect(r.iterated[1]).toMatch(USER_ID);
    expect(r.search).toEqual({ total: 2, emails: ['ada.lovelace@example.com', 'grace.hopper@example.com'] });
    expect(r.badQuery).toMatchObject({ statusCode: 400, body: { errorCode: 'invalid_query_string' } });

    // Errors surface as the SDK's typed errors, carrying Auth0's bodies.
    expect(r.missing).toMatchObject({ name: 'NotFoundError', isManagementError: true, statusCode: 404 });
    expect(r.missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
    expect(r.duplicate).toMatchObject({ name: 'ConflictError', isManagementError: true, statusCode: 409 });
    expect(r.duplicate.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'The user already exists.', errorCode: 'auth0_idp_error' });

    expect(r.deleted).toBe('undefined');
    expect(r.afterDelete).toMatchObject({ name: 'NotFoundError', statusCode: 404, body: { message: 'The user does not exist.' } });

    // The token came from our /oauth/token, for our issuer and the Management API audience.
    expect(r.tokenClaims).toMatchObject({
      iss: `https://${domain}/`,
      aud: `https://${domain}/api/v2/`,
      sub: `${credentials.management.client_id}@clients`,
      azp: credentials.management.client_id,
      gty: 'client-credentials',
    });
    expect(r.tokenClaims.scope.split(' ')).toEqual(expect.arrayContaining(['read:users', 'create:users', 'update:users', 'delete:users']));
    const requests = proxy!.requests.map((q) => `${q.method} ${q.url.split('?')[0]} ${q.status}`);
    expect(requests[0]).toBe('POST /oauth/token 200');
    // ManagementClient fetched one token and reused it; the second is the fixture's TokenProvider.
    expect(requests.filter((q) => q.startsWith('POST /oauth/token'))).toEqual(['POST /oauth/token 200', 'POST /oauth/token 200']);
    expect(requests.at(-1)).toBe('POST /oauth/token 200');
    expect(requests).toContain('GET /api/v2/users-by-email 200');
  });
});
