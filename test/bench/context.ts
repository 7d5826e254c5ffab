import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import { dynamoEnv, ensureTable, freePort, localClient, startDynamoDbLocal, type LocalDynamo } from '#infra/local/dynamodb-local';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';
import { userKey } from '#shared/db/keys';
import type { RequestRecord } from '#shared/http/handler';
import { cpuMeter, findDynamoPid } from '#test/bench/cpu';
import { createHttpClient, type HttpClient } from '#test/bench/http';
import { itemSize } from '#test/bench/item-size';
import { fail, runOp, type OpResult, type OpSpec } from '#test/bench/measure';

/**
 * What the sections share: DynamoDB Local in memory with the bench table and a seeded tenant
 * (TableContext), then the local server with every route, the bootstrap clients and a Management
 * API token (ServiceContext). The service's modules read their configuration at import, so they
 * are imported only after the environment is set (as in infra/local/start.ts).
 */
const TABLE_NAME = 'bench';
/** The hot runs' concurrency; the HTTP client keeps twice as many sockets. */
export const CONCURRENCY = 8;

export interface RunContext {
  progress: (message: string) => void;
  repoRoot: string;
}

export interface TableContext extends RunContext {
  endpoint: string;
  /** Every request the handler wrapper reported so far, in completion order. */
  records: readonly RequestRecord[];
}

export interface ClientCredentialsBody {
  grant_type: 'client_credentials';
  client_id: string;
  client_secret: string;
  audience: string;
}

export interface ServiceContext extends TableContext {
  client: HttpClient;
  credentials: BootstrapCredentials;
  /** The Management API client's token request, and the Authorization header of the token it got. */
  tokenBody: ClientCredentialsBody;
  auth: Record<string, string>;
  /** One operation over HTTP, with its handler records, DynamoDB costs and CPU. */
  measure(spec: OpSpec): Promise<OpResult>;
  /** A user's stored item, in bytes (DynamoDB item-size rules), read straight from the table. */
  storedSize(userId: string): Promise<number>;
}

export interface Session {
  table: TableContext;
  startService(): Promise<ServiceContext>;
  /** Stops the server and DynamoDB Local; safe to call again. */
  close(): Promise<void>;
}

export async function startSession(run: RunContext): Promise<Session> {
  run.progress('starting DynamoDB Local (in memory)');
  let dynamo: LocalDynamo | undefined = await startDynamoDbLocal();
  const endpoint = dynamo.endpoint;
  let server: Server | undefined;
  let http: HttpClient | undefined;
  let raw: DynamoDBClient | undefined;
  const close = async () => {
    http?.close();
    http = undefined;
    if (server) await closeServer(server);
    server = undefined;
    raw?.destroy();
    raw = undefined;
    await dynamo?.stop();
    dynamo = undefined;
  };
  try {
    Object.assign(process.env, dynamoEnv(dynamo));
    await ensureTable(endpoint, TABLE_NAME);
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    const cpu = cpuMeter(findDynamoPid(endpoint));
    // Logins are measured with AWS's defaults: rules kept per warm Lambda (10 s at most), the
    // generation read eventually consistent (0.5 RCU per login), rules run in-process.
    delete process.env.EXTENSIONS_CACHE_MS;
    delete process.env.EXTENSIONS_CHECK_READ;
    delete process.env.RULES_RUNNER_FUNCTION_NAME;
    Object.assign(process.env, { DYNAMODB_ENDPOINT: endpoint, TABLE_NAME, ISSUER: `${baseUrl}/`, LOG_LEVEL: 'warn' });
    const { seedTenant, createBootstrapClients } = await import('#shared/bootstrap/seed');
    const { createLocalServer } = await import('#infra/local/server');
    const { observeRequests } = await import('#shared/http/handler');
    const records: RequestRecord[] = [];
    /** Requests completed while a phase is collecting, as the handler wrapper reports them. */
    let sink: RequestRecord[] | undefined;
    observeRequests((record) => {
      records.push(record);
      sink?.push(record);
    });
    const recorder = { collect: (into: RequestRecord[] | undefined) => (sink = into) };

    run.progress('seeding the tenant');
    await seedTenant();
    const table: TableContext = { ...run, endpoint, records };

    const startService = async (): Promise<ServiceContext> => {
      const credentials = await createBootstrapClients();
      server = await createLocalServer();
      const listening = server;
      await new Promise<void>((ready) => listening.listen(port, '127.0.0.1', ready));
      const client = createHttpClient(`http://127.0.0.1:${port}`, CONCURRENCY * 2);
      http = client;
      run.progress(`service listening on ${baseUrl}`);

      const tokenBody: ClientCredentialsBody = {
        grant_type: 'client_credentials',
        client_id: credentials.management.client_id,
        client_secret: credentials.management.client_secret,
        audience: credentials.management.audience,
      };
      const tokenRes = await client.send({ method: 'POST', path: '/oauth/token', body: tokenBody });
      if (tokenRes.status !== 200) fail(`POST /oauth/token answered ${tokenRes.status}: ${tokenRes.body}`);
      const accessToken = (JSON.parse(tokenRes.body) as { access_token?: string }).access_token ?? fail('no access_token');
      const store = localClient(endpoint);
      raw = store;
      const storedSize = async (userId: string) => {
        const out = await store.send(
          new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: userKey(userId).pk }, sk: { S: userKey(userId).sk } }, ConsistentRead: true }),
        );
        return out.Item ? itemSize(out.Item) : fail(`user ${userId} not found in the table`);
      };
      return {
        ...table,
        client,
        credentials,
        tokenBody,
        auth: { authorization: `Bearer ${accessToken}` },
        measure: (spec) => runOp(client, spec, recorder, cpu),
        storedSize,
      };
    };
    return { table, startService, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}
