import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * A connection's deletion in AWS mode: warm functions keep the extensions with a long
 * EXTENSIONS_CACHE_MS and read only the generation item per login. The deletion's first write
 * bumps that generation, so a login in a function whose cache still holds the connection sees
 * the move, drops its tenant caches and re-reads the connection: refused at once. In the steady
 * state a login makes the requests it made before connections could be deleted.
 *
 * The integration setup has already imported the service with EXTENSIONS_CACHE_MS=0, so this file
 * sets the variable and imports everything again from a fresh module graph.
 */
process.env.EXTENSIONS_CACHE_MS = '60000';
vi.resetModules();
const { call, observeRequests } = await import('#test/support/api');
const { login, PASSWORD, seedApplication } = await import('#test/support/logins');
const { uniqueEmail } = await import('#test/support/users');
const { config } = await import('#shared/platform/config');
const { db } = await import('#shared/db/client');
const { connectionDirectoryKey, CONNECTIONS_PK, emailClaimKey, extensionsGenerationKey } = await import('#shared/db/keys');
const { markConnectionDeleted } = await import('#shared/db/connections-repo');
const { readExtensionsGeneration } = await import('#shared/db/extensions-repo');
const { newConnectionDeleteJob } = await import('#shared/management/jobs/model');
const { runJob } = await import('#shared/management/job-types');
const { connectionByName } = await import('#shared/tenant/connections');
type RequestRecord = import('#shared/http/handler').RequestRecord;

const ALL = ['create:connections', 'read:connections', 'update:connections', 'delete:connections', 'create:users', 'read:users'];
let app: { client_id: string; client_secret: string };

/** The keys of every BatchGetItem and GetItem sent (the document client's plain values, or DynamoDB's wire form). */
const sent: { command: string; keys: { pk: string; sk: string }[] }[] = [];
const text = (value: unknown) => (typeof value === 'string' ? value : String((value as { S?: string } | undefined)?.S));
const asKey = (key: { pk?: unknown; sk?: unknown }) => ({ pk: text(key.pk), sk: text(key.sk) });
db.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as { Key?: { pk?: unknown; sk?: unknown }; RequestItems?: Record<string, { Keys?: { pk?: unknown; sk?: unknown }[] }> };
    if (context.commandName === 'BatchGetCommand' || context.commandName === 'BatchGetItemCommand') {
      sent.push({ command: 'BatchGetItem', keys: Object.values(input.RequestItems ?? {}).flatMap((r) => (r.Keys ?? []).map(asKey)) });
    }
    if ((context.commandName === 'GetCommand' || context.commandName === 'GetItemCommand') && input.Key) sent.push({ command: 'GetItem', keys: [asKey(input.Key)] });
    return next(args);
  },
  { step: 'initialize', name: 'testLoginKeys' },
);

beforeAll(async () => {
  app = await seedApplication();
});

async function newConnection() {
  const name = `warm-${Math.random().toString(36).slice(2, 10)}`;
  const res = await call('connections-create', { scopes: ALL, body: { name, strategy: 'auth0', options: { passwordPolicy: 'none' }, enabled_clients: [app.client_id] } });
  expect(res.status).toBe(201);
  const user = await call('users-create', { scopes: ALL, body: { connection: name, email: uniqueEmail('warm'), password: PASSWORD } });
  expect(user.status).toBe(201);
  return { connection: res.body as { id: string; name: string }, email: user.body.email as string };
}

/** One login, with the DynamoDB commands its request made and the keys of its reads by key. */
async function observedLogin(realm: string, username: string) {
  const seen: RequestRecord[] = [];
  const stop = observeRequests((r) => seen.push(r));
  sent.length = 0;
  const res = await login(app, { realm, username, password: PASSWORD });
  stop();
  return { res, commands: [...seen[0]!.db.commands].sort(), sent: [...sent] };
}

describe('a connection deletion with warm caches (EXTENSIONS_CACHE_MS 60 s)', () => {
  it('runs with the cache on', () => {
    expect(config.EXTENSIONS_CACHE_MS).toBe(60_000);
  });

  it('a steady-state login: the BatchGetItem of claims and counters, the generation GetItem, the user Query, the writes', async () => {
    const { connection, email } = await newConnection();
    // Warms every cache. A process's first generation read drops the caches filled before it (they
    // may predate a deletion it cannot tell apart), so the second login fills them again.
    for (let i = 0; i < 2; i++) expect((await login(app, { realm: connection.name, username: email, password: PASSWORD })).status).toBe(200);
    const { res, commands, sent: reads } = await observedLogin(connection.name, email);
    expect(res.status, res.text).toBe(200);
    expect(commands).toEqual(['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem', 'UpdateItem', 'UpdateItem', 'UpdateItem']);
    const batch = reads.filter((r) => r.command === 'BatchGetItem');
    expect(batch).toHaveLength(1);
    // The email claim and the two brute-force counters: nothing of the connection.
    expect(batch[0]!.keys).toHaveLength(3);
    expect(batch[0]!.keys).toContainEqual(emailClaimKey(email, connection.name));
    expect(batch[0]!.keys).not.toContainEqual(connectionDirectoryKey(connection.id));
    expect(batch[0]!.keys.map((key) => key.pk)).not.toContain(CONNECTIONS_PK);
    // The one GetItem is the generation; the connection's re-check after it was a cache hit.
    expect(reads.filter((r) => r.command === 'GetItem')).toEqual([{ command: 'GetItem', keys: [extensionsGenerationKey] }]);
  });

  it('refuses a login at once after a deletion written by another function (its repo write, no tenantChanged() here)', async () => {
    const { connection, email } = await newConnection();
    expect((await login(app, { realm: connection.name, username: email, password: PASSWORD })).status).toBe(200);
    const before = await readExtensionsGeneration(true);

    const job = newConnectionDeleteJob(connection, new Date());
    expect(await markConnectionDeleted(connection, new Date().toISOString(), job)).toBe(true);
    expect(await readExtensionsGeneration(true)).toBe(before + 1);
    await expect(connectionByName(connection.name)).resolves.toMatchObject({ id: connection.id }); // still cached here

    const { res, sent: reads } = await observedLogin(connection.name, email);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: `The connection ${connection.name} does not exist` });
    // The moved generation cleared the caches: the connection was read again, once.
    expect(reads.filter((r) => r.command === 'GetItem' && r.keys[0]!.pk === `CONN#${connection.name}`)).toHaveLength(1);
    expect(await runJob(job.id)).toBe('finished');
  });
});
