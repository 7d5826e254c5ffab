import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { JANE, startLegacyStore, type LegacyStore, type LegacyUserSeed } from '#infra/local/legacy-store/server';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests, type CallResult } from '#test/support/api';
import { login } from '#test/support/logins';

/**
 * Custom database logins against a real legacy store on loopback (infra/local/legacy-store), with
 * the Auth0-style scripts written for it, through the route table.
 */
export { JANE };

/** One of infra/local/legacy-store/scripts/*.js, as a tenant would paste it. */
export const storeScript = (name: string) => readFileSync(new URL(`../../../infra/local/legacy-store/scripts/${name}.js`, import.meta.url), 'utf8');

/**
 * Starts the store and lets the sandbox reach it. The worker pool reads EXTENSIONS_ALLOW_HOSTS
 * once, when the file's first script or rule starts it: call this in beforeAll, before any login.
 */
export async function startStore(users: LegacyUserSeed[] = [JANE]): Promise<LegacyStore> {
  const store = await startLegacyStore({ users });
  process.env.EXTENSIONS_ALLOW_HOSTS = `127.0.0.1:${store.port}`;
  return store;
}

export interface CustomDbConnection {
  id: string;
  name: string;
}

/** A custom database connection enabled for `app`, its configuration pointing at `store`. */
export async function customDbConnection(
  app: { client_id: string },
  store: Pick<LegacyStore, 'url' | 'apiKey'> | undefined,
  options: { import_mode: boolean; customScripts: Record<string, string>; [key: string]: unknown },
): Promise<CustomDbConnection> {
  const res = await call('connections-create', {
    scopes: ['create:connections'],
    body: {
      name: `legacy-${randomBytes(4).toString('hex')}`,
      strategy: 'auth0',
      enabled_clients: [app.client_id],
      options: {
        enabledDatabaseCustomization: true,
        ...(store ? { configuration: { BASE_URL: store.url, API_KEY: store.apiKey } } : {}),
        ...options,
      },
    },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id, name: res.body.name };
}

export const realmLogin = (app: { client_id: string; client_secret?: string }, connection: CustomDbConnection, username: string, password: string, extra: Record<string, string> = {}) =>
  login(app, { realm: connection.name, username, password, scope: 'openid profile email', ...extra });

/** The call, and the DynamoDB requests it made. */
export async function measured(run: () => Promise<CallResult>): Promise<{ res: CallResult; db: RequestRecord['db'] }> {
  const seen: RequestRecord[] = [];
  const stop = observeRequests((r) => seen.push(r));
  try {
    const res = await run();
    return { res, db: seen.at(-1)!.db };
  } finally {
    stop();
  }
}

export const getUser = (id: string) => call('users-get', { params: { id }, scopes: ['read:users'] });

/** 403 invalid_grant naming the login script's failure and a 12-character reference. */
export const SCRIPT_FAILED = {
  error: 'invalid_grant',
  error_description: expect.stringMatching(/^The login could not be completed: the connection's login script failed \(reference [A-Za-z0-9]{12}\)\.$/),
};

/** The store's count of one route's requests. */
export const count = (store: LegacyStore, route: string) => store.requests.get(route) ?? 0;

/**
 * A login script that answers from a table by email, with no network: the profile a test wants
 * the script to return, parsed from JSON in the script (so a `__proto__` key stays a key).
 */
export function profileScript(profiles: Record<string, unknown>): string {
  return `function login(email, password, callback) {
  const profiles = JSON.parse(${JSON.stringify(JSON.stringify(profiles))});
  if (password !== 'right-password') return callback(new WrongUsernameOrPasswordError(email));
  if (!Object.prototype.hasOwnProperty.call(profiles, email)) return callback(null);
  callback(null, profiles[email]);
}`;
}
