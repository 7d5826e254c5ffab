import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CustomDbConnection } from '#test/integration/custom-db/login-fixtures';

// What a failed login script leaves in the log: the service logs at info here (tests are silent
// otherwise), with a real budget, imported again.
process.env.LOG_LEVEL = 'info';
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { seedApplication } = await import('#test/support/logins');
const { customDbConnection, profileScript, realmLogin, SCRIPT_FAILED } = await import('#test/integration/custom-db/login-fixtures');

/**
 * The reference in a failed login's answer finds one log line naming the connection, the script
 * and the error; the password, the configuration's secrets and the profile's values appear in no
 * line. A profile with both metadata names logs the shared keys, not their values.
 */
const SECRET = 'sk_live_never_logged_7f3a';
const PASSWORD = 'right-password';
let app: { client_id: string; client_secret: string };
let throwing: CustomDbConnection;
let profiles: CustomDbConnection;
let lines: string[] = [];

beforeAll(async () => {
  app = await seedApplication();
  throwing = await customDbConnection(app, undefined, {
    import_mode: true,
    configuration: { API_KEY: SECRET },
    customScripts: { login: "function login(email, password, callback) { callback(new Error('the store said no')); }" },
  });
  profiles = await customDbConnection(app, undefined, {
    import_mode: true,
    customScripts: {
      login: profileScript({
        'bad@logs.example.com': { user_id: 'has space', email: 'bad@logs.example.com', user_metadata: { hobby: 'value-never-logged' } },
        'both@logs.example.com': { user_id: 'logsboth', email: 'both@logs.example.com', metadata: { plan: 'old-value-never-logged' }, app_metadata: { plan: 'new-value-never-logged' } },
      }),
    },
  });
});

function capture(): void {
  lines = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk === 'string' && chunk.startsWith('{')) lines.push(chunk);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a failed login script in the log', () => {
  it('one line under the answer\'s reference names the connection, the script and the error; no secret anywhere', async () => {
    capture();
    const res = await realmLogin(app, throwing, 'someone@logs.example.com', PASSWORD);
    expect(res.body).toEqual(SCRIPT_FAILED);
    const reference = /\(reference ([A-Za-z0-9]{12})\)/.exec(res.body.error_description)![1];
    const matching = parsed().filter((l) => l.reference === reference);
    expect(matching).toEqual([
      expect.objectContaining({
        level: 'warn', message: 'custom database script failed', connection: throwing.name, connection_id: throwing.id, script: 'login',
        error: expect.stringContaining('the store said no'),
      }),
    ]);
    const all = lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(PASSWORD);
  });

  it("a bad profile's reason names the field, not the profile's values", async () => {
    capture();
    const res = await realmLogin(app, profiles, 'bad@logs.example.com', PASSWORD);
    expect(res.body).toEqual(SCRIPT_FAILED);
    const reference = /\(reference ([A-Za-z0-9]{12})\)/.exec(res.body.error_description)![1];
    expect(parsed().find((l) => l.reference === reference)?.error).toMatch(/^bad profile: user_id /);
    const all = lines.join('\n');
    expect(all).not.toContain('has space');
    expect(all).not.toContain('value-never-logged');
    expect(all).not.toContain(PASSWORD);
  });

  it('both metadata names: a warning lists the shared keys, never their values', async () => {
    capture();
    expect((await realmLogin(app, profiles, 'both@logs.example.com', PASSWORD)).status).toBe(200);
    expect(parsed().find((l) => String(l.message).includes('metadata and app_metadata'))).toMatchObject({ level: 'warn', connection: profiles.name, keys: ['plan'] });
    expect(lines.join('\n')).not.toContain('value-never-logged');
  });
});
