/**
 * `npm run legacy-store`: the README's legacy user store, for trying a custom database connection.
 *
 *   npm run legacy-store                 starts the store (server.ts) on 127.0.0.1:4000
 *                                        (LEGACY_STORE_PORT) with the seed's example user, and saves
 *                                        its URL and API key to ${DATA_DIR}/legacy-store.json
 *   npm run legacy-store -- connect      creates (or updates) the connection `legacy-users` on the
 *                                        running service (connect.ts): import mode, the scripts of
 *                                        scripts/, configuration {BASE_URL, API_KEY}
 *   npm run legacy-store -- connect --legacy   the same without import mode (the store stays the
 *                                        source of truth)
 *
 * The API key is random on the first start and kept in legacy-store.json afterwards, so a
 * connection made earlier still works after the store restarts. The users live in memory only:
 * a restart brings back Jane as she was.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { connect, storeFile, type StoreFile } from '#infra/local/legacy-store/connect';
import { JANE, startLegacyStore } from '#infra/local/legacy-store/server';

const DEFAULT_PORT = 4000;

async function serve(): Promise<void> {
  const port = portFrom(process.env.LEGACY_STORE_PORT);
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const file = storeFile(dataDir);
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<StoreFile>) : {};
  const apiKey = typeof saved.api_key === 'string' && saved.api_key.length >= 16 ? saved.api_key : randomBytes(18).toString('base64url');

  // startLegacyStore does not turn a failed listen into a rejection (the server emits 'error').
  process.once('uncaughtException', (error: NodeJS.ErrnoException) => {
    const taken = error.code === 'EADDRINUSE';
    console.error(taken ? `Port ${port} is taken: set LEGACY_STORE_PORT to a free port (and name it in EXTENSIONS_ALLOW_HOSTS)` : error);
    process.exit(1);
  });
  const store = await startLegacyStore({ port, apiKey, users: [JANE] });
  // DATA_DIR holds secrets (npm start makes it 0700 too); the key file is the user's only.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify({ url: store.url, api_key: apiKey } satisfies StoreFile, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);

  const host = `127.0.0.1:${store.port}`;
  console.log(`Legacy user store listening on ${store.url} (in memory; bcrypt hashes; app metadata named "metadata")`);
  console.log(`User: ${JANE.email}, password ${JANE.password}, user_metadata ${JSON.stringify(JANE.user_metadata)}, metadata ${JSON.stringify(JANE.metadata)}`);
  console.log(`API key: ${apiKey} (saved to ${file})`);
  console.log('Next, in another terminal, start the service so that login scripts may reach the store:');
  console.log(`  EXTENSIONS_ALLOW_HOSTS=${host} npm start`);
  console.log('then create the connection:  npm run legacy-store -- connect');

  const stop = async (signal: string) => {
    console.log(`${signal}: stopping the legacy store`);
    await store.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

function portFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`LEGACY_STORE_PORT must be a port number (got ${JSON.stringify(value)})`);
  return port;
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === undefined) return serve();
  if (command === 'connect') {
    const unknown = rest.filter((a) => a !== '--legacy');
    if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')} (connect takes only --legacy)`);
    return connect({ importMode: !rest.includes('--legacy') });
  }
  throw new Error(`unknown command ${JSON.stringify(command)}: use "npm run legacy-store" or "npm run legacy-store -- connect [--legacy]"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
