import { describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { findConnection } from '#shared/db/connections-repo';
import { connectionDirectoryKey } from '#shared/db/keys';
import { seedTenant } from '#shared/bootstrap/seed';
import { DEFAULT_CONNECTION } from '#shared/tenant/connections';
import { call } from '#test/support/api';

/** The seeded connection has its directory item, and an install from before the directory gets one on the next seed. */
describe('the default connection in the directory', () => {
  it('is listed and found by id after the seed, and restored by a second seed (idempotent)', async () => {
    const record = (await findConnection(DEFAULT_CONNECTION))!;
    const got = await call('connections-get', { scopes: ['read:connections'], params: { id: record.id } });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: record.id, name: DEFAULT_CONNECTION, strategy: 'auth0' });

    // An install from before directory items: the record only.
    await db.send(new DeleteCommand({ TableName: tableName, Key: connectionDirectoryKey(record.id) }));
    expect((await call('connections-get', { scopes: ['read:connections'], params: { id: record.id } })).status).toBe(404);

    await seedTenant();
    await seedTenant();
    const entry = await db.send(new GetCommand({ TableName: tableName, Key: connectionDirectoryKey(record.id), ConsistentRead: true }));
    expect(entry.Item).toEqual({ ...connectionDirectoryKey(record.id), id: record.id, name: DEFAULT_CONNECTION });
    expect((await call('connections-get', { scopes: ['read:connections'], params: { id: record.id } })).body).toEqual(got.body);
    expect((await findConnection(DEFAULT_CONNECTION))!.id).toBe(record.id);
  });
});
