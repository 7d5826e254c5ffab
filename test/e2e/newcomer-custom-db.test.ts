import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import { runToEnd, startService, type RunningService } from '#test/support/local-service';

/**
 * The README's "Migrate users from your own database", as a newcomer runs it: `npm run
 * legacy-store`, `EXTENSIONS_ALLOW_HOSTS=127.0.0.1:<port> npm start`, `npm run legacy-store --
 * connect`, a password-realm login of the seed's example user, the user read back with her
 * metadata, then the store stopped (Ctrl-C) and a second login.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'identity-e2e-custom-db-'));
let store: RunningService | undefined;
let service: RunningService | undefined;

afterAll(async () => {
  await store?.stop('SIGKILL');
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('README: migrate users from your own database', () => {
  it('migrates jane.doe@example.com at her first login and keeps her after the store stops', async () => {
    const [port, storePort] = [await freePort(), await freePort()];
    const base = `http://localhost:${port}`;
    const env = { PORT: String(port), DATA_DIR: dataDir, LEGACY_STORE_PORT: String(storePort) };

    store = await startService(env, ['npm', 'run', 'legacy-store']);
    expect(store.output()).toContain(`Legacy user store listening on http://127.0.0.1:${storePort}`);
    expect(store.output()).toContain(`  EXTENSIONS_ALLOW_HOSTS=127.0.0.1:${storePort} npm start`);

    service = await startService({ ...env, EXTENSIONS_ALLOW_HOSTS: `127.0.0.1:${storePort}` });
    const connect = await runToEnd(['npm', 'run', 'legacy-store', '--', 'connect'], { ...process.env, ...env });
    expect(connect.code, connect.output).toBe(0);
    expect(connect.output).toMatch(/Connection legacy-users \(con_[A-Za-z0-9]{16}\) created: import mode/);

    const b = JSON.parse(readFileSync(join(dataDir, 'bootstrap.json'), 'utf8')) as {
      management: { client_id: string; client_secret: string; audience: string };
      application: { client_id: string; client_secret: string };
    };
    const login = (password: string) =>
      fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'http://auth0.com/oauth/grant-type/password-realm', realm: 'legacy-users',
          username: 'jane.doe@example.com', password, scope: 'openid profile email',
          client_id: b.application.client_id, client_secret: b.application.client_secret,
        }),
      });
    const first = await login('Surf-the-legacy-wave-42');
    expect(first.status, `${await first.clone().text()}\n${service.output()}`).toBe(200);
    expect(await first.json()).toMatchObject({ access_token: expect.any(String), id_token: expect.any(String), token_type: 'Bearer' });

    const tokenRes = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: b.management.client_id, client_secret: b.management.client_secret, audience: b.management.audience }),
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const read = await fetch(`${base}/api/v2/users-by-email?email=jane.doe@example.com`, { headers: { authorization: `Bearer ${token}` } });
    const [jane] = (await read.json()) as Record<string, unknown>[];
    const { user_id, app_metadata, user_metadata } = jane!;
    expect({ user_id, app_metadata, user_metadata }).toEqual({ user_id: 'auth0|1001', app_metadata: { plan: 'full' }, user_metadata: { hobby: 'surfing' } });
    expect(jane).not.toHaveProperty('metadata');

    // Ctrl-C in the store's terminal; Jane is ours now.
    await store.stop('SIGINT');
    expect(store.output()).toContain('SIGINT: stopping the legacy store');
    const again = await login('Surf-the-legacy-wave-42');
    expect(again.status, `${await again.clone().text()}\n${service.output()}`).toBe(200);
    const wrong = await login('Surf-the-legacy-wave-43');
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
  });
});
