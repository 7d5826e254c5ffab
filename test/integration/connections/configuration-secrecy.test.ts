import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * options.configuration values are secrets: no log line of any request that carries or reads
 * them holds one, with logging at its most verbose. The service's modules are loaded afresh
 * after LOG_LEVEL is set (the level is read once, when the log module loads).
 */
process.env.LOG_LEVEL = 'debug';
vi.resetModules();
const { call } = await import('#test/support/api');

const SECRET = 'sk_live_never_in_a_log_6b1f';
const ALL = ['create:connections', 'read:connections', 'update:connections', 'delete:connections'];
let written = '';
const spies: { mockRestore: () => void }[] = [];

beforeAll(() => {
  for (const stream of [process.stdout, process.stderr]) {
    spies.push(vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    }));
  }
});

afterAll(() => {
  for (const spy of spies) spy.mockRestore();
  delete process.env.LOG_LEVEL;
});

describe('options.configuration in logs', () => {
  it('never appears, whatever the request does with it', async () => {
    const name = `secret-${Math.random().toString(36).slice(2, 10)}`;
    const created = await call('connections-create', { scopes: ALL, body: { name, strategy: 'auth0', options: { configuration: { API_KEY: SECRET } } } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('connections-get', { scopes: ALL, params: { id } })).status).toBe(200);
    expect((await call('connections-list', { scopes: ALL })).status).toBe(200);
    const refusals = [
      { options: { configuration: { API_KEY: [SECRET] } } },
      { options: { configuration: { API_KEY: SECRET.repeat(200) } } },
      { options: { configuration: { API_KEY: SECRET }, unknown_option: SECRET } },
    ];
    for (const body of refusals) expect((await call('connections-update', { scopes: ALL, params: { id }, body })).status).toBe(400);
    expect((await call('connections-update', { scopes: ALL, params: { id }, body: { options: { configuration: { API_KEY: `${SECRET}-2` } } } })).status).toBe(200);
    expect((await call('connections-delete', { scopes: ALL, params: { id } })).status).toBe(202);

    // The requests were logged (so the check looks at real output), and no line holds the secret.
    expect(written).toContain('"message":"request"');
    expect(written).toContain('connections-update');
    expect(written).not.toContain(SECRET);
  });
});
