import { mkdtempSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import { runToEnd, startService, type RunningService } from '#test/support/local-service';

/**
 * A newcomer's first minutes, as the README tells them: `npm start`, read bootstrap.json, get a
 * token, create / read / patch / delete a user with curl-style requests, stop with Ctrl-C, start
 * again and find the data still there.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'identity-e2e-'));
let service: RunningService | undefined;

afterAll(async () => {
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Bootstrap {
  issuer: string;
  management: { client_id: string; client_secret: string; audience: string };
  application: { client_id: string; client_secret: string };
  connection: string;
}

const readBootstrap = (): Bootstrap => JSON.parse(readFileSync(join(dataDir, 'bootstrap.json'), 'utf8'));

async function tokenFor(base: string, b: Bootstrap): Promise<string> {
  const basic = Buffer.from(`${b.management.client_id}:${b.management.client_secret}`).toString('base64');
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', audience: b.management.audience }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * The service logs its stop and, within seconds, no process of it (node or DynamoDB Local's Java)
 * is left. npm itself dies of the signal at once, as it does under Ctrl-C, so we poll.
 */
async function stopsCleanly(running: RunningService, signal: NodeJS.Signals): Promise<void> {
  const exit = await running.stop(signal);
  expect([0, null]).toContain(exit.code);
  let leftovers = '';
  for (let i = 0; i < 100; i++) {
    leftovers = (await runToEnd(['pgrep', '-f', dataDir], { PATH: process.env.PATH ?? '' })).output.trim();
    if (!leftovers) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(leftovers).toBe('');
  expect(running.output()).toContain(`${signal}: stopping`);
}

describe('npm start, as a newcomer runs it', () => {
  it('serves the curl walk-through, stops cleanly, and keeps its data across restarts', async () => {
    const port = await freePort();
    const base = `http://localhost:${port}`;
    service = await startService({ PORT: String(port), DATA_DIR: dataDir });
    expect(service.output()).toContain(`listening on ${base}`);
    const bootstrap = readBootstrap();
    expect(bootstrap).toEqual({
      issuer: `${base}/`,
      management: { client_id: expect.any(String), client_secret: expect.any(String), audience: `${base}/api/v2/` },
      application: { client_id: expect.any(String), client_secret: expect.any(String) },
      connection: 'Username-Password-Authentication',
    });

    const token = await tokenFor(base, bootstrap);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${base}/api/v2${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

    const created = await api('/users', {
      method: 'POST',
      body: JSON.stringify({ connection: bootstrap.connection, email: 'ada@example.com', password: 'correct Horse battery staple', user_metadata: { theme: 'light', lang: 'en' }, app_metadata: { plan: 'free' } }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { user_id: string };
    const path = `/users/${encodeURIComponent(user.user_id)}`;

    const patched = await api(path, { method: 'PATCH', body: JSON.stringify({ user_metadata: { theme: 'dark', lang: null } }) });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    const read = await api(`${path}?fields=email,user_metadata,app_metadata`);
    expect(await read.json()).toEqual({ email: 'ada@example.com', user_metadata: { theme: 'dark' }, app_metadata: { plan: 'free' } });

    const keep = await api('/users', {
      method: 'POST',
      body: JSON.stringify({ connection: bootstrap.connection, email: 'grace@example.com', password: 'another Long passphrase' }),
    });
    const kept = (await keep.json()) as { user_id: string };
    expect((await api(path, { method: 'DELETE' })).status).toBe(204);
    expect((await api(path)).status).toBe(404);

    await stopsCleanly(service, 'SIGINT');

    service = await startService({ PORT: String(port), DATA_DIR: dataDir });
    expect(readBootstrap()).toEqual(bootstrap);
    const again = await tokenFor(base, bootstrap);
    const survivor = await fetch(`${base}/api/v2/users/${encodeURIComponent(kept.user_id)}`, { headers: { authorization: `Bearer ${again}` } });
    expect(survivor.status).toBe(200);
    expect(((await survivor.json()) as { email: string }).email).toBe('grace@example.com');
    await stopsCleanly(service, 'SIGTERM');
    service = undefined;
  });

  it('says in one clear line that Java is missing', async () => {
    const bin = join(dataDir, 'bin-without-java');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const tsx = new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url).pathname;
    const { code, output } = await runToEnd([process.execPath, tsx, 'infra/local/start.ts'], {
      PATH: bin, HOME: process.env.HOME ?? '/tmp', DATA_DIR: join(dataDir, 'nojava'),
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n').filter((line) => !/NodeVersionSupportWarning|^\s*$/.test(line))).toEqual([
      'Java was not found: DynamoDB Local needs a Java runtime (17+, e.g. `apt-get install -y default-jre-headless`), or set DYNAMODB_ENDPOINT to a running DynamoDB.',
    ]);
  });
});
