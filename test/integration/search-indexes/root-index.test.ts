import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { seedTenant } from '#shared/bootstrap/seed';
import { db, tableName } from '#shared/db/client';
import { ROOT_INDEX_KEY } from '#shared/db/keys';
import { ROOT_GENERATION, ROOT_SHARDS } from '#shared/management/search-indexes/model';
import { call } from '#test/support/api';
import { seedUser } from '#test/support/users';
import { entriesOf, INDEX_SCOPES, jobWhenEnded } from '#test/integration/search-indexes/helpers';

/** The root item: ready at once on an empty table (the setup seeded this one), built by a job otherwise. */
const rootItem = async () => (await db.send(new GetCommand({ TableName: tableName, Key: ROOT_INDEX_KEY, ConsistentRead: true }))).Item;

describe('root index bootstrap', () => {
  it('marks the root indexes ready when the seed finds no user', async () => {
    expect(await rootItem()).toEqual({ ...ROOT_INDEX_KEY, status: 'ready', created_at: expect.any(String) });
    const res = await call('search-indexes-get', { scopes: INDEX_SCOPES, params: { path: 'email.domain' } });
    expect(res.body).toEqual({ path: 'email.domain', type: 'string', builtin: true, status: 'ready' });
  });

  it('builds them with a job when a table from before root indexing holds users, and seeds idempotently', async () => {
    const ada = await seedUser({ email: 'ada.root@example.com' });
    await seedUser();
    await db.send(new DeleteCommand({ TableName: tableName, Key: ROOT_INDEX_KEY }));

    await seedTenant();
    const building = await rootItem();
    expect(building).toMatchObject({ job_id: expect.stringMatching(/^job_[A-Za-z0-9]{16}$/) });
    const job = await jobWhenEnded(String(building?.job_id));
    expect(job).toEqual({
      type: 'search_index_backfill', status: 'completed', created_at: building?.created_at, id: building?.job_id, percentage_done: 100,
      builtin: true, processed_users: 2, type_mismatches: 0,
    });
    expect(await rootItem()).toMatchObject({ status: 'ready', job_id: building?.job_id });
    const list = await call('search-indexes-list', { scopes: INDEX_SCOPES });
    expect(list.body[0]).toEqual({ path: 'user_id', type: 'string', builtin: true, status: 'ready', job_id: building?.job_id });

    const emails = await entriesOf('email', ROOT_GENERATION, ROOT_SHARDS);
    expect(emails.filter((e) => e.u === ada.user_id).map((e) => e.v)).toEqual(['ada.root@example.com']);

    await seedTenant(); // the root item exists: nothing changes
    expect((await rootItem())?.job_id).toBe(building?.job_id);
  });
});
