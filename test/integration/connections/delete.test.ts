import { beforeAll, describe, expect, it } from 'vitest';
import { findConnectionEntry, markConnectionDeleted } from '#shared/db/connections-repo';
import { newConnectionDeleteJob } from '#shared/management/jobs/model';
import { runJob } from '#shared/management/job-types';
import { connectionByName } from '#shared/tenant/connections';
import { call, observeRequests, type CallResult } from '#test/support/api';
import { login, PASSWORD, seedApplication } from '#test/support/logins';
import { CONNECTION, uniqueEmail } from '#test/support/users';
import type { RequestRecord } from '#shared/http/handler';
import { db } from '#shared/db/client';
import { connectionDirectoryKey, CONNECTIONS_PK, emailClaimKey } from '#shared/db/keys';

/** The keys of every BatchGetItem sent (the document client's plain values, or DynamoDB's wire form). */
const batchGetKeys: { pk: string; sk: string }[][] = [];
const text = (value: unknown) => (typeof value === 'string' ? value : String((value as { S?: string } | undefined)?.S));
db.middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName === 'BatchGetCommand' || context.commandName === 'BatchGetItemCommand') {
      const requests = (args.input as { RequestItems?: Record<string, { Keys?: { pk?: unknown; sk?: unknown }[] }> }).RequestItems ?? {};
      batchGetKeys.push(Object.values(requests).flatMap((r) => (r.Keys ?? []).map((key) => ({ pk: text(key.pk), sk: text(key.sk) }))));
    }
    return next(args);
  },
  { step: 'initialize', name: 'testBatchGetKeys' },
);

/**
 * DELETE /api/v2/connections/{id}: the connection and its users go (Auth0's 202 {deleted_at});
 * from the deletion's first write no login, signup, user creation or refresh goes through it,
 * even in a function whose cache still holds the connection.
 */
const ALL = ['create:connections', 'read:connections', 'update:connections', 'delete:connections', 'create:users', 'read:users'];
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
let app: { client_id: string; client_secret: string };

beforeAll(async () => {
  app = await seedApplication();
});

async function newConnection(name = unique('del')) {
  const res = await call('connections-create', { scopes: ALL, body: { name, strategy: 'auth0', options: { passwordPolicy: 'none' }, enabled_clients: [app.client_id] } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}

async function newUser(connection: string, email = uniqueEmail('del')) {
  const res = await call('users-create', { scopes: ALL, body: { connection, email, password: PASSWORD } });
  expect(res.status).toBe(201);
  return res.body as { user_id: string; email: string };
}

const getConnection = (id: string) => call('connections-get', { scopes: ALL, params: { id } });
const deleteConnection = (id: string) => call('connections-delete', { scopes: ALL, params: { id } });
const getUser = (id: string) => call('users-get', { scopes: ALL, params: { id } });
const signup = (connection: string) => call('signup', { body: { client_id: app.client_id, connection, email: uniqueEmail('late'), password: PASSWORD } });

/** DELETE until the job has finished (204), at most ~30 s. */
async function deletedForGood(id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await deleteConnection(id)).status === 204) return;
    await new Promise((resume) => setTimeout(resume, 100));
  }
  throw new Error('the deletion did not finish');
}

const LOGIN_REFUSED = (name: string) => ({ error: 'invalid_request', error_description: `The connection ${name} does not exist` });

describe('DELETE /api/v2/connections/{id}', () => {
  it('deletes the connection and every user of it through a job (202, then GET 404, DELETE 204), and no other user', async () => {
    const connection = await newConnection();
    const users: { user_id: string }[] = [];
    for (let batch = 0; batch < 6; batch++) {
      users.push(...(await Promise.all(Array.from({ length: 10 }, () => newUser(connection.name)))));
    }
    const bystander = await newUser(CONNECTION);

    const res = await deleteConnection(connection.id);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect(Object.keys(res.body)).toEqual(['deleted_at']);
    const jobId = (await findConnectionEntry(connection.id))!.delete_job_id!;

    await deletedForGood(connection.id);
    const get = await getConnection(connection.id);
    expect(get.status).toBe(404);
    expect(get.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The connection does not exist', errorCode: 'inexistent_connection' });
    for (const user of users) expect((await getUser(user.user_id)).status).toBe(404);
    expect((await getUser(bystander.user_id)).status).toBe(200);
    const job = await call('jobs-get', { scopes: ALL, params: { id: jobId } });
    expect(job.body).toMatchObject({ type: 'connection_delete', status: 'completed', id: jobId, percentage_done: 100, connection_id: connection.id, connection: connection.name, deleted_users: 60 });
    const list = await call('connections-list', { scopes: ALL, query: { name: connection.name } });
    expect(list.body).toEqual([]);
  });

  it('answers the same 202 while the deletion runs; the name stays taken (409) until it ends; then it is free and the old users are gone', async () => {
    const connection = await newConnection();
    const user = await newUser(connection.name);
    // A deletion whose job has not run yet: its first write, as DELETE makes it.
    const job = newConnectionDeleteJob(connection, new Date());
    const deletedAt = new Date().toISOString();
    expect(await markConnectionDeleted(connection, deletedAt, job)).toBe(true);

    const again = await deleteConnection(connection.id);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ deleted_at: deletedAt });
    expect((await getConnection(connection.id)).status).toBe(404);
    const patch = await call('connections-update', { scopes: ALL, params: { id: connection.id }, body: { display_name: 'x' } });
    expect(patch.status).toBe(404);
    const taken = await call('connections-create', { scopes: ALL, body: { name: connection.name, strategy: 'auth0' } });
    expect(taken.status).toBe(409);
    expect((await call('connections-list', { scopes: ALL, query: { name: connection.name } })).body).toEqual([]);

    expect(await runJob(job.id)).toBe('finished');
    expect((await deleteConnection(connection.id)).status).toBe(204);
    expect((await getUser(user.user_id)).status).toBe(404);
    const reborn = await newConnection(connection.name);
    expect(reborn.id).not.toBe(connection.id);
    const search = await call('users-by-email', { scopes: ALL, query: { email: user.email } });
    expect(search.body).toEqual([]);
  });

  it('answers 204 for an id that has no connection, and 400 for an oversized one', async () => {
    expect((await deleteConnection('con_0000000000000000')).status).toBe(204);
    expect((await deleteConnection('x'.repeat(65))).status).toBe(400);
  });
});

describe('a deleted connection refuses at once', () => {
  it('logins, even where a warm cache still holds the connection (the mark written elsewhere, no tenantChanged())', async () => {
    const connection = await newConnection();
    const user = await newUser(connection.name);
    expect((await login(app, { realm: connection.name, username: user.email, password: PASSWORD })).status).toBe(200);

    // Another process's deletion: the table changes, this process's caches are not told.
    const job = newConnectionDeleteJob(connection, new Date());
    expect(await markConnectionDeleted(connection, new Date().toISOString(), job)).toBe(true);
    await expect(connectionByName(connection.name)).resolves.toMatchObject({ id: connection.id });

    const refused = await login(app, { realm: connection.name, username: user.email, password: PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(LOGIN_REFUSED(connection.name));

    // Signup and user creation read the cached connection too; their transaction checks the mark.
    const late = await signup(connection.name);
    expect(late.status).toBe(400);
    expect(late.body).toEqual({ name: 'BadRequestError', code: 'The connection does not exist.', description: 'The connection does not exist.', statusCode: 400 });
    const created = await call('users-create', { scopes: ALL, body: { connection: connection.name, email: uniqueEmail('late'), password: PASSWORD } });
    expect(created.status).toBe(400);
    expect(created.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The connection does not exist.', errorCode: 'inexistent_connection' });
    expect(await runJob(job.id)).toBe('finished');
  });

  it('costs a steady-state login no request: the same requests as before connections could be deleted, no directory item read', async () => {
    const connection = await newConnection();
    const user = await newUser(connection.name);
    await login(app, { realm: connection.name, username: user.email, password: PASSWORD }); // warms the caches
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    batchGetKeys.length = 0;
    const ok = await login(app, { realm: connection.name, username: user.email, password: PASSWORD });
    stop();
    expect(ok.status).toBe(200);
    // The claims and counters BatchGetItem, the user Query and (the cache off in tests) the
    // extensions Query, which carries the generation; the connection's re-check is a cache hit.
    // Writes: two reservations, the stats, the session, and the counters cleared.
    expect([...seen[0]!.db.commands].sort()).toEqual([
      'BatchGetItem', 'DeleteItem', 'PutItem', 'Query', 'Query', 'UpdateItem', 'UpdateItem', 'UpdateItem', 'UpdateItem',
    ]);
    expect(batchGetKeys).toHaveLength(1);
    // The email claim and the two brute-force counters: nothing of the connection.
    expect(batchGetKeys[0]).toHaveLength(3);
    expect(batchGetKeys[0]).toContainEqual(emailClaimKey(user.email, connection.name));
    expect(batchGetKeys[0]).not.toContainEqual(connectionDirectoryKey(connection.id));
    expect(batchGetKeys[0]!.map((key) => key.pk)).not.toContain(CONNECTIONS_PK);
  });

  it('signups and refreshes after a DELETE through the API', async () => {
    const connection = await newConnection();
    const user = await newUser(connection.name);
    const first: CallResult = await login(app, { realm: connection.name, username: user.email, password: PASSWORD, scope: 'openid offline_access' });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toEqual(expect.any(String));

    expect((await deleteConnection(connection.id)).status).toBe(202);
    const late = await signup(connection.name);
    expect(late.status).toBe(400);
    expect(late.body.description).toBe('The connection does not exist.');
    const refresh = await call('oauth-token', {
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, ...app }),
    });
    expect(refresh.status).toBe(403);
    expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    const relogin = await login(app, { realm: connection.name, username: user.email, password: PASSWORD });
    expect(relogin.status).toBe(400);
    await deletedForGood(connection.id);
  });
});
