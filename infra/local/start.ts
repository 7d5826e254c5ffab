/**
 * `npm start`: the whole service on this machine. DynamoDB Local (persistent under DATA_DIR)
 * unless DYNAMODB_ENDPOINT names one, the table from the shared definition, a first-start seed,
 * and every route of the route table on http://localhost:PORT. Credentials go to the console and
 * to ${DATA_DIR}/bootstrap.json. The service's modules are imported only after the environment
 * they read at cold start is set.
 */
import { resolve } from 'node:path';
import { dynamoEnv, ensureTable, JavaMissingError, privateDirectory, startDynamoDbLocal, type LocalDynamo } from '#infra/local/dynamodb-local';

/**
 * Loopback unless HOST says otherwise: the service hands out Management tokens to whoever holds
 * the bootstrap credentials, and nobody else on the network should reach it by default.
 */
const DEFAULT_HOST = '127.0.0.1';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? DEFAULT_HOST;
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const issuer = process.env.ISSUER ?? `http://localhost:${port}/`;
  if (!issuer.endsWith('/')) throw new Error(`ISSUER must end with "/" (got ${issuer})`);
  const tableName = process.env.TABLE_NAME ?? 'identity';

  // The signing key, the clients' secrets and the bootstrap credentials live under DATA_DIR.
  privateDirectory(dataDir);
  let dynamo: LocalDynamo | undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    dynamo = await startDynamoDbLocal(resolve(dataDir, 'dynamodb'));
    Object.assign(process.env, dynamoEnv(dynamo));
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT!;
  await ensureTable(endpoint, tableName, dynamo?.credentials);
  // One process serves every route, so no other writer can hold older index declarations: reading
  // them on every write (0) lets a declared index build at once instead of after the cache's wait.
  const indexCache = process.env.SEARCH_INDEX_CACHE_MS ?? '0';
  // A rule or action change must reach the very next login: each login reads the extensions
  // generation strongly consistent (no replica lag to wait for; the cost does not matter here).
  const extensionsCheck = process.env.EXTENSIONS_CHECK_READ ?? 'consistent';
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: endpoint, TABLE_NAME: tableName, ISSUER: issuer, SEARCH_INDEX_CACHE_MS: indexCache, EXTENSIONS_CHECK_READ: extensionsCheck,
  });

  const { ensureBootstrap } = await import('#shared/bootstrap/seed');
  const { createLocalServer } = await import('#infra/local/server');
  const file = resolve(dataDir, 'bootstrap.json');
  const credentials = await ensureBootstrap(file);

  const server = await createLocalServer();
  await new Promise<void>((ready, failed) => {
    server.once('error', failed);
    server.listen(port, host, ready);
  });
  console.log(`Identity service listening on ${urlFor(host, port)} (${bindingNote(host)}; issuer ${issuer})`);
  console.log(`Management API client: client_id=${credentials.management.client_id} client_secret=${credentials.management.client_secret}`);
  console.log(`Audience: ${credentials.management.audience}`);
  console.log(`Credentials saved to ${file}`);

  const stop = async (signal: string) => {
    console.log(`${signal}: stopping`);
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeAllConnections();
    await closed;
    await dynamo?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function urlFor(host: string, port: number): string {
  if (LOOPBACK.has(host) || host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function bindingNote(host: string): string {
  if (LOOPBACK.has(host)) return `${host} only; HOST=0.0.0.0 opens it to the network`;
  return `bound to ${host}: reachable from the network`;
}

main().catch((error: unknown) => {
  console.error(error instanceof JavaMissingError ? error.message : error);
  process.exit(1);
});
