import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '#infra/local/dynamodb-local';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';

/**
 * `npm run demo` as a newcomer runs it (its own process group, a fresh DEMO_DATA_DIR, free ports),
 * so the browser tests drive exactly what the README tells people to open.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface DemoInfo {
  issuer: string;
  spa: string;
  /** The service's plain http port, for the test's own Management API calls. */
  internal: string;
  certPath: string;
  clientId: string;
  actions: Record<'pre-user-registration' | 'post-login', string>;
}

export interface RunningDemo {
  info: DemoInfo;
  dir: string;
  credentials: BootstrapCredentials;
  output(): string;
  /** Ctrl-C as in a terminal (SIGINT to the group), then SIGKILL to whatever is left; removes the data. */
  stop(): Promise<{ exit: { code: number | null; signal: NodeJS.Signals | null } | 'timeout'; leftovers: string[] }>;
}

/** The environment of a newcomer's shell: nothing the test runner added. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^VITEST/.test(name) || ['TEST', 'DYNAMODB_ENDPOINT', 'TABLE_NAME', 'ISSUER', 'PORT', 'DATA_DIR'].includes(name)) delete env[name];
  }
  if (env.NODE_ENV === 'test') delete env.NODE_ENV;
  return { ...env, ...extra };
}

export async function startDemo(env: Record<string, string> = {}): Promise<RunningDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'demo-e2e-'));
  const [authPort, spaPort] = [await freePort(), await freePort()];
  const child = spawn('npm', ['run', 'demo'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: shellEnv({ DEMO_DATA_DIR: dir, DEMO_AUTH_PORT: String(authPort), DEMO_SPA_PORT: String(spaPort), LOG_LEVEL: 'warn', ...env }),
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const stop = () => stopDemo(child, exit, dir);
  const ready = await Promise.race([
    new Promise<boolean>((done) => {
      const check = () => (/Demo ready\./.test(output) ? done(true) : setTimeout(check, 50));
      check();
    }),
    exit.then(() => false),
    new Promise<boolean>((done) => setTimeout(() => done(false), 90_000)),
  ]);
  if (!ready) {
    await stop();
    throw new Error(`npm run demo did not get ready; output:\n${output}`);
  }
  return {
    info: JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as DemoInfo,
    dir,
    credentials: JSON.parse(readFileSync(join(dir, 'bootstrap.json'), 'utf8')) as BootstrapCredentials,
    output: () => output,
    stop,
  };
}

async function stopDemo(child: ChildProcess, exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>, dir: string) {
  try {
    process.kill(-child.pid!, 'SIGINT');
  } catch {
    // Already gone.
  }
  const result = await Promise.race([exit, new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 20_000))]);
  // DynamoDB Local's java names the data directory: soon after Ctrl-C, nothing may still hold it
  // (npm may exit while the service is still stopping it).
  let leftovers: string[] = [];
  for (const deadline = Date.now() + 5_000; ; await new Promise((r) => setTimeout(r, 100))) {
    leftovers = execFileSync('ps', ['-A', '-o', 'args='], { encoding: 'utf8' }).split('\n').filter((args) => args.includes(dir));
    if (leftovers.length === 0 || Date.now() > deadline) break;
  }
  // Whatever happened, nothing of that group (npm, tsx, node, DynamoDB Local's java) stays.
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // The clean case: the group has gone.
  }
  rmSync(dir, { recursive: true, force: true });
  return { exit: result, leftovers };
}

/** The Management API over the service's plain http port, with the bootstrap credentials. */
export async function managementToken(demo: RunningDemo): Promise<string> {
  const m = demo.credentials.management;
  const res = await fetch(`${demo.info.internal}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: m.client_id, client_secret: m.client_secret, audience: m.audience }),
  });
  const body = (await res.json()) as { access_token: string };
  if (res.status !== 200) throw new Error(`management token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function management(demo: RunningDemo, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${demo.info.internal}/api/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}
