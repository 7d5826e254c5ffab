import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';

/**
 * `npm run legacy-store -- connect`: what a team moving from Auth0 does in its dashboard, through
 * the Management API of the running service. It creates the database connection `legacy-users`
 * with Auth0's seven scripts read from scripts/ (unchanged Auth0-style scripts for the example
 * store), `configuration {BASE_URL, API_KEY}` for them, and the seeded application enabled on it.
 * If the connection exists, its options are replaced (a new store key, a mode change).
 *
 * Reads ${DATA_DIR}/bootstrap.json (written by `npm start`) and ${DATA_DIR}/legacy-store.json
 * (written by `npm run legacy-store`); reaches the service at http://localhost:${PORT}.
 */
export const CONNECTION = 'legacy-users';

/** What `npm run legacy-store` saves for `connect`. */
export interface StoreFile {
  url: string;
  api_key: string;
}

export const storeFile = (dataDir: string) => join(dataDir, 'legacy-store.json');

const SCRIPTS_DIR = fileURLToPath(new URL('./scripts/', import.meta.url));

/** options.customScripts key -> file in scripts/. */
const SCRIPT_FILES = {
  login: 'login.js',
  get_user: 'get_user.js',
  create: 'create.js',
  verify: 'verify.js',
  change_password: 'change_password.js',
  delete: 'delete.js',
  change_email: 'change_email.js',
} as const;

export function customScripts(): Record<keyof typeof SCRIPT_FILES, string> {
  return Object.fromEntries(Object.entries(SCRIPT_FILES).map(([key, file]) => [key, readFileSync(join(SCRIPTS_DIR, file), 'utf8')])) as Record<
    keyof typeof SCRIPT_FILES,
    string
  >;
}

export async function connect(options: { importMode: boolean }): Promise<void> {
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const store = readJson<StoreFile>(storeFile(dataDir), 'start the store first (npm run legacy-store)');
  const startService = `EXTENSIONS_ALLOW_HOSTS=${new URL(store.url).host} npm start`;
  const bootstrap = readJson<BootstrapCredentials>(join(dataDir, 'bootstrap.json'), `start the service first (${startService})`);
  const base = `http://localhost:${process.env.PORT ?? 3000}`;
  const token = await managementToken(base, bootstrap, startService);
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${base}/api/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const connectionOptions = {
    enabledDatabaseCustomization: true,
    import_mode: options.importMode,
    customScripts: customScripts(),
    configuration: { BASE_URL: store.url, API_KEY: store.api_key },
  };
  let res = await api('POST', '/connections', { name: CONNECTION, strategy: 'auth0', enabled_clients: [bootstrap.application.client_id], options: connectionOptions });
  let verb = 'created';
  if (res.status === 409) {
    const [existing] = (await expectOk(await api('GET', `/connections?name=${CONNECTION}`), 'GET /api/v2/connections')) as { id: string; enabled_clients: string[] }[];
    const enabled = [...new Set([...(existing?.enabled_clients ?? []), bootstrap.application.client_id])];
    res = await api('PATCH', `/connections/${existing!.id}`, { enabled_clients: enabled, options: connectionOptions });
    verb = 'updated';
  }
  const connection = (await expectOk(res, 'the connection')) as { id: string; name: string };
  console.log(`Connection ${connection.name} (${connection.id}) ${verb}: ${options.importMode ? 'import mode (users move in at their first login)' : 'legacy mode (every login runs the login script)'}`);
  console.log(`Scripts: ${Object.keys(SCRIPT_FILES).join(', ')}; configuration: BASE_URL=${store.url}, API_KEY (hidden); enabled for the application ${bootstrap.application.client_id}`);
  console.log(`Log in with realm=${CONNECTION}, username=jane.doe@example.com (the README's walk-through).`);
}

async function managementToken(base: string, bootstrap: BootstrapCredentials, startService: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: bootstrap.management.client_id,
        client_secret: bootstrap.management.client_secret,
        audience: bootstrap.management.audience,
      }),
    });
  } catch {
    throw new Error(`The service does not answer at ${base}: start it with ${startService} (or set PORT to its port)`);
  }
  return ((await expectOk(res, 'the Management API token')) as { access_token: string }).access_token;
}

async function expectOk(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  if (res.status >= 300) throw new Error(`Could not get ${what}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

function readJson<T>(path: string, hint: string): T {
  if (!existsSync(path)) throw new Error(`${path} does not exist: ${hint}`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
