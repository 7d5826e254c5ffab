import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createBootstrapClients, refreshBootstrap } from '#shared/bootstrap/seed';
import { db, tableName } from '#shared/db/client';
import { clientDirectoryKey } from '#shared/db/keys';
import { call } from '#test/support/api';
import { CONNECTION } from '#test/support/users';

/**
 * The seed and enabled clients: the Default App is enabled on the seeded connection, and an
 * install from before (its connection's list empty, its clients without directory items) is
 * brought up to date by the next start, once.
 */
const connectionId = async () => (await call('connections-list', { scopes: ['read:connections'], query: { name: CONNECTION } })).body[0].id as string;
const enabled = async (id: string) =>
  ((await call('connections-clients-get', { scopes: ['read:connections'], params: { id }, query: { take: '100' } })).body.clients as { client_id: string }[]).map((c) => c.client_id);
const listed = async () => ((await call('clients-list', { scopes: ['read:clients'], query: { fields: 'client_id' } })).body as { client_id: string }[]).map((c) => c.client_id);

describe('the seeded application', () => {
  it('is enabled on the seeded connection and listed', async () => {
    const saved = await createBootstrapClients();
    const id = await connectionId();
    expect(await enabled(id)).toEqual(expect.arrayContaining([saved.application.client_id, saved.management.client_id]));
    expect(await listed()).toEqual(expect.arrayContaining([saved.application.client_id, saved.management.client_id]));
  });

  it('is enabled again, and listed, after a start on an install from before enabled clients (idempotent)', async () => {
    const saved = await createBootstrapClients();
    const id = await connectionId();
    await call('connections-clients-update', { scopes: ['update:connections'], params: { id }, body: [{ client_id: saved.application.client_id, status: false }] });
    await db.send(new DeleteCommand({ TableName: tableName, Key: clientDirectoryKey(saved.application.client_id) }));
    expect(await enabled(id)).not.toContain(saved.application.client_id);
    expect(await listed()).not.toContain(saved.application.client_id);

    expect(await refreshBootstrap(saved)).toMatchObject({ application: { client_id: saved.application.client_id } });
    await refreshBootstrap(saved);
    expect((await enabled(id)).filter((c) => c === saved.application.client_id)).toHaveLength(1);
    expect((await listed()).filter((c) => c === saved.application.client_id)).toHaveLength(1);
  });
});
