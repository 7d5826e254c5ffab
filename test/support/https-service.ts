import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '#infra/local/dynamodb-local';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';
import { createSelfSignedCert, startTlsProxy, type SelfSignedCert, type TlsProxy } from '#test/support/tls-proxy';

/**
 * The service as Auth0's SDKs need it: started the way a newcomer starts it (npx tsx
 * infra/local/start.ts, in its own process group), behind a TLS proxy with a self-signed
 * certificate (the SDKs only speak https://<domain>/), with ISSUER set to the public https URL.
 * SDK fixtures run in their own process, because NODE_EXTRA_CA_CERTS is read only at start.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

export type Exit = { code: number | null; signal: NodeJS.Signals | null } | 'timeout';

export interface HttpsService {
  dir: string;
  tlsPort: number;
  /** `localhost:<tlsPort>`, what the SDKs take as their domain. */
  domain: string;
  cert: SelfSignedCert;
  proxy: TlsProxy;
  credentials: BootstrapCredentials;
  output(): string;
  /** Runs a fixture script with the certificate trusted; resolves with its exit code and output. */
  runFixture(fixture: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /**
   * SIGINT to the tsx that npx started, as `kill -INT` would (tsx relays it to the service, which
   * stops its server and DynamoDB Local), then SIGKILL to whatever is left of the group, and the
   * temporary directory removed. Resolves with the exit and any process left after `leftoverMs`.
   */
  stop(leftoverMs?: number): Promise<{ exit: Exit; leftovers: string[] }>;
}

/** The environment of a newcomer's shell: nothing the test runner added, nothing pointing at test tables. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^VITEST/.test(name) || ['TEST', 'DYNAMODB_ENDPOINT', 'TABLE_NAME', 'ISSUER'].includes(name)) delete env[name];
  }
  if (env.NODE_ENV === 'test') delete env.NODE_ENV;
  return { ...env, ...extra };
}

/** `env` adds to the service's environment (e.g. small rate limits). */
export async function startHttpsService(prefix: string, env: Record<string, string> = {}): Promise<HttpsService> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const [httpPort, tlsPort] = [await freePort(), await freePort()];
  const cert = createSelfSignedCert(dir);
  let output = '';
  const child = spawn('npx', ['tsx', 'infra/local/start.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: shellEnv({ PORT: String(httpPort), DATA_DIR: dir, ISSUER: `https://localhost:${tlsPort}/`, LOG_LEVEL: 'warn', ...env }),
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = (leftoverMs = 0) => stopService(child, dir, leftoverMs);
  try {
    await listening(child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const proxy = await startTlsProxy({ port: tlsPort, target: httpPort, cert });
  return {
    dir,
    tlsPort,
    domain: `localhost:${tlsPort}`,
    cert,
    proxy,
    credentials: JSON.parse(readFileSync(join(dir, 'bootstrap.json'), 'utf8')) as BootstrapCredentials,
    output: () => output,
    runFixture: (fixture, env) => runFixture(fixture, { NODE_EXTRA_CA_CERTS: cert.certPath, ...env }),
    stop: async (leftoverMs) => {
      await proxy.close();
      return stop(leftoverMs);
    },
  };
}

function listening(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`service did not start within 60 s; output:\n${output()}`)), 60_000);
    child.stdout!.on('data', () => {
      if (/listening on/.test(output())) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`service exited with code ${code} before listening; output:\n${output()}`));
    });
  });
}

function runFixture(fixture: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [fixture], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: shellEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.once('close', (code) => done({ code, stdout, stderr })),
  );
}

async function stopService(child: ChildProcess, dir: string, leftoverMs: number): Promise<{ exit: Exit; leftovers: string[] }> {
  const pid = child.pid!;
  try {
    // Ctrl-C to the whole group would hide the service's exit code: npm re-raises SIGINT on itself.
    const tsx = descendants(pid).find((p) => /\.bin\/tsx |tsx\/dist\/cli\.mjs /.test(p.args));
    if (!tsx) throw new Error(`no tsx process under npx ${pid}: ${JSON.stringify(descendants(pid))}`);
    process.kill(tsx.pid, 'SIGINT');
    return { exit: await exited(child, 20_000), leftovers: await leftoversOf(pid, leftoverMs) };
  } finally {
    try {
      process.kill(-pid, 'SIGKILL'); // whatever happened, no npx, tsx, node or java of that group stays
    } catch {
      // The group is gone: the clean case.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function exited(child: ChildProcess, ms: number): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => {
    const timer = setTimeout(() => done('timeout'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal });
    });
  });
}

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
