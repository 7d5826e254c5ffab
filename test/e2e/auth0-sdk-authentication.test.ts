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
 * Auth0's own Node SDK against the Authentication API of `npm start`, behind HTTPS (the SDK only
 * speaks https://<domain>/) with ISSUER set to the public https URL. `auth0` v7 ships its
 * authentication clients (node-auth0 v4's `AuthenticationClient` and `UserInfoClient`) under
 * `auth0/legacy`; the rule is created with v7's `ManagementClient`. The SDK runs in its own
 * process (test/e2e/fixtures/sdk-authentication-flow.mjs) because NODE_EXTRA_CA_CERTS is read
 * only at process start.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/sdk-authentication-flow.mjs', import.meta.url));
const CLAIM = 'https://myapp.example.com/favorite_color';
const EMAIL = 'grace.hopper@example.com';

let dir: string;
let cert: SelfSignedCert;
let tlsPort: number;
let domain: string;
let service: ChildProcess | undefined;
let serviceOutput = '';
let proxy: TlsProxy | undefined;
let credentials: BootstrapCredentials;
/** What the fixture printed (one run, shared by the tests below). */
let r: any;
let sdkFailure = '';

/** The environment of a newcomer's shell: nothing the test runner added, nothing pointing at test tables. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^VITEST/.test(name) || ['TEST', 'DYNAMODB_ENDPOINT', 'TABLE_NAME', 'ISSUER'].includes(name)) delete env[name];
  }
  if (env.NODE_ENV === 'test') delete env.NODE_ENV;
  return { ...env, ...extra };
}

function exited(child: ChildProcess, ms: number): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(undefined);
    });
  });
}

async function startService(httpPort: number): Promise<void> {
  // Its own process group, so the cleanup can kill npx, tsx, node and DynamoDB Local together.
  const child = spawn('npx', ['tsx', 'infra/local/start.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: shellEnv({ PORT: String(httpPort), DATA_DIR: dir, ISSUER: `https://localhost:${tlsPort}/`, LOG_LEVEL: 'warn' }),
  });
  service = child;
  await new Promise<void>((ready, fail) => {
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
}

function runSdk(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [fixture], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: shellEnv({
      NODE_EXTRA_CA_CERTS: cert.certPath,
      AUTH0_DOMAIN: domain,
      // The same proxy under a name that is not the issuer (the certificate covers both).
      AUTH0_ALT_DOMAIN: `127.0.0.1:${tlsPort}`,
      AUTH0_CLIENT_ID: credentials.application.client_id,
      AUTH0_CLIENT_SECRET: credentials.application.client_secret,
      AUTH0_MANAGEMENT_CLIENT_ID: credentials.management.client_id,
      AUTH0_MANAGEMENT_CLIENT_SECRET: credentials.management.client_secret,
    }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'auth0-sdk-authentication-e2e-'));
  const httpPort = await freePort();
  tlsPort = await freePort();
  domain = `localhost:${tlsPort}`;
  cert = createSelfSignedCert(dir);
  await startService(httpPort);
  proxy = await startTlsProxy({ port: tlsPort, target: httpPort, cert });
  credentials = JSON.parse(readFileSync(join(dir, 'bootstrap.json'), 'utf8')) as BootstrapCredentials;
  const run = await runSdk();
  if (run.code === 0) r = JSON.parse(run.stdout);
  else sdkFailure = `sdk-authentication-flow exited with ${run.code}:\n${run.stderr}\nservice output:\n${serviceOutput}`;
}, 90_000);

/** The pids of every descendant of `pid`, from POSIX `ps`. */
function descendants(pid: number): { pid: number; args: string }[] {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return m ? [{ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }] : [];
    });
  const found: { pid: number; args: string }[] = [];
  for (let parents = [pid]; parents.length > 0; ) {
    const next = rows.filter((r) => parents.includes(r.ppid));
    found.push(...next);
    parents = next.map((r) => r.pid);
  }
  return found;
}

afterAll(async () => {
  await proxy?.close();
  const pid = service?.pid;
  if (service && pid !== undefined) {
    try {
      // SIGINT to the tsx that npx started, so the service stops its DynamoDB Local itself
      // (its clean shutdown is asserted in auth0-sdk.test.ts, not again here).
      const tsx = descendants(pid).find((p) => /\.bin\/tsx |tsx\/dist\/cli\.mjs /.test(p.args));
      if (tsx) process.kill(tsx.pid, 'SIGINT');
      await exited(service, 20_000);
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
}, 30_000);

describe('Auth0 Node SDK (AuthenticationClient, UserInfoClient) against the service behind HTTPS', () => {
  it('signs up, logs in through a rule, refreshes with rotation, reads /userinfo, with Auth0 shapes and errors', async () => {
    expect(sdkFailure).toBe('');
    const issuer = `https://${domain}/`;
    const clientId = credentials.application.client_id;

    // 1. database.signUp: Auth0's signup answer (`id` is the SDK's own copy of `_id`).
    expect(r.signUp).toEqual({
      status: 200,
      data: { _id: expect.stringMatching(/^[0-9a-f]{24}$/), id: r.signUp.data._id, email: EMAIL, email_verified: false, user_metadata: { favorite_color: 'blue' } },
    });
    const sub = `auth0|${r.signUp.data._id}`;

    // 2. rules.create through v7's ManagementClient.
    expect(r.rule).toEqual({ id: expect.stringMatching(/^rul_/), name: 'add-color', enabled: true, order: 1, stage: 'login_success' });

    // 3. oauth.passwordGrant (password-realm): the SDK validated the ID token (it resolves only
    // then), which carries the scopes' claims and the rule's namespaced claim.
    expect(r.login).toMatchObject({ status: 200, token_type: 'Bearer', expires_in: 86400, scope: 'openid profile email offline_access', hasRefreshToken: true });
    expect(r.login.idTokenHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(r.login.idToken).toEqual({
      iss: issuer,
      sub,
      aud: clientId,
      iat: expect.any(Number),
      exp: r.login.idToken.iat + 36000,
      email: EMAIL,
      email_verified: false,
      name: EMAIL,
      nickname: 'grace.hopper',
      picture: expect.stringMatching(/^https:\/\//),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      [CLAIM]: 'blue',
      sid: expect.any(String),
    });
    expect(r.login.accessToken).toMatchObject({ iss: issuer, sub, aud: `${issuer}userinfo`, azp: clientId, scope: 'openid profile email offline_access' });

    // 4. oauth.refreshTokenGrant: new tokens (validated ID token, rule ran again), a new refresh
    // token; the rotated one is then refused, and its reuse revoked the whole family.
    expect(r.refreshed).toMatchObject({ status: 200, token_type: 'Bearer', expires_in: 86400, hasRefreshToken: true });
    expect(r.refreshRotated).toBe(true);
    expect(r.refreshed.idToken).toMatchObject({ iss: issuer, sub, aud: clientId, email: EMAIL, [CLAIM]: 'blue' });
    const invalidRefresh = {
      name: 'AuthApiError',
      statusCode: 403,
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
      message: 'Unknown or invalid refresh token.',
      body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
    };
    expect(r.reusedOldRefreshToken).toEqual(invalidRefresh);
    expect(r.newRefreshTokenAfterReuse).toEqual(invalidRefresh);

    // 5. UserInfoClient.getUserInfo: the standard claims and the rule's claim; 401 for a bad token.
    expect(r.userInfo).toEqual({
      status: 200,
      data: {
        sub,
        email: EMAIL,
        email_verified: false,
        name: EMAIL,
        nickname: 'grace.hopper',
        picture: r.login.idToken.picture,
        updated_at: r.login.idToken.updated_at,
        [CLAIM]: 'blue',
      },
    });
    expect(r.tamperedToken).toEqual({
      name: 'UserInfoError',
      statusCode: 401,
      error: 'invalid_token',
      error_description: 'Invalid token',
      message: 'Invalid token',
      body: { error: 'invalid_token', error_description: 'Invalid token' },
    });

    // 6. Wrong password.
    expect(r.wrongPassword).toEqual({
      name: 'AuthApiError',
      statusCode: 403,
      error: 'invalid_grant',
      error_description: 'Wrong email or password.',
      message: 'Wrong email or password.',
      body: { error: 'invalid_grant', error_description: 'Wrong email or password.' },
    });

    // 7. The same email again: Auth0's signup error shape, which the SDK maps to error/description.
    expect(r.duplicateSignUp).toEqual({
      name: 'AuthApiError',
      statusCode: 400,
      error: 'invalid_signup',
      error_description: 'Invalid sign up',
      message: 'Invalid sign up',
      body: { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 },
    });

    // Control: reached under another name, the SDK refuses our ID token for its issuer.
    expect(r.wrongIssuer).toEqual({
      name: 'Error',
      message: `Issuer (iss) claim mismatch in the ID token; expected "https://127.0.0.1:${tlsPort}/", found "${issuer}"`,
    });

    // The SDK fetched our JWKS to verify the signatures, over the public https domain.
    const requests = proxy!.requests.map((q) => `${q.method} ${q.url.split('?')[0]} ${q.status}`);
    expect(requests).toContain('GET /.well-known/jwks.json 200');
    expect(requests).toEqual(
      expect.arrayContaining(['POST /dbconnections/signup 200', 'POST /api/v2/rules 201', 'POST /oauth/token 200', 'GET /userinfo 200', 'POST /dbconnections/signup 400']),
    );
  });

  // Auth0 also issues opaque /userinfo tokens, so a value that is not a JWT is a 401 there, as any bad token.
  it('answers 401 at /userinfo for a bearer value that is not a JWT', () => {
    expect(sdkFailure).toBe('');
    expect(r.nonJwtToken).toMatchObject({ statusCode: 401 });
  });
});
