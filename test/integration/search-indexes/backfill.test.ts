import { describe, expect, it } from 'vitest';
import { searchIndexKey } from '#shared/db/keys';
import { findJob } from '#shared/db/jobs-repo';
import { insertIndexDeclaration, type StoredIndex } from '#shared/db/search-indexes-repo';
import { newBackfillJob } from '#shared/management/jobs/model';
import { runJob } from '#shared/management/job-types';
import { encodeValue, entrySortKey } from '#shared/db/index-entry-keys';
import { call } from '#test/support/api';
import { seedUser } from '#test/support/users';
import { declaration, declare, entriesOf, INDEX_SCOPES, jobsFor, jobWhenEnded } from '#test/integration/search-indexes/helpers';

/**
 * The backfill gives the users that existed before a declaration their entries; the cleanup
 * deletes them again. This file's users are all created here, before the declarations.
 */
describe('backfill and cleanup of a declared index', () => {
  it('indexes every existing user, counts values of another type, and marks the index ready and mixed', async () => {
    const gold = await seedUser({ app_metadata: { tier: 'gold' } });
    const silver = await seedUser({ app_metadata: { tier: 'silver' } });
    const numeric = await seedUser({ app_metadata: { tier: 5 } });
    const both = await seedUser({ app_metadata: { tier: ['gold', 'bronze', 'gold'] } });
    await seedUser({ app_metadata: { other: 'x' } });

    const created = await declare('app_metadata.tier', 'string');
    const job = await jobWhenEnded(created.job_id);
    expect(job).toEqual({
      type: 'search_index_backfill', status: 'completed', created_at: created.created_at, id: created.job_id, percentage_done: 100,
      path: 'app_metadata.tier', processed_users: 5, type_mismatches: 1,
    });

    const stored = (await declaration('app_metadata.tier'))!;
    expect(stored).toMatchObject({ status: 'ready', mixed: true, shards: 8 });
    expect(stored.generation).toMatch(/^[0-9a-f]{8}$/);
    const entries = await entriesOf('app_metadata.tier', stored.generation, stored.shards);
    const summary = entries.map((e) => [e.u, e.v]).sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
    const expected = [[gold.user_id, 'gold'], [silver.user_id, 'silver'], [numeric.user_id, 5], [both.user_id, 'gold'], [both.user_id, 'bronze']];
    expect(summary).toEqual(expected.sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)));
    const goldEntry = entries.find((e) => e.u === gold.user_id)!;
    expect(goldEntry).toEqual({
      pk: expect.stringMatching(new RegExp(`^IDX#app_metadata\\.tier#${stored.generation}#[0-7]$`)),
      sk: entrySortKey(encodeValue('s', 'gold'), gold.user_id),
      u: gold.user_id,
      v: 'gold',
      c: gold.created_at,
    });

    const res = await call('search-indexes-get', { scopes: INDEX_SCOPES, params: { path: 'app_metadata.tier' } });
    expect(res.body).toEqual({
      path: 'app_metadata.tier', type: 'string', builtin: false, status: 'ready', mixed: true, created_at: created.created_at, job_id: created.job_id,
    });

    // Deleting it: the cleanup job removes every entry of that generation.
    expect((await call('search-indexes-delete', { scopes: INDEX_SCOPES, params: { path: 'app_metadata.tier' } })).status).toBe(204);
    const [cleanup] = await jobsFor('search_index_cleanup', 'app_metadata.tier');
    const done = await jobWhenEnded(String(cleanup?.id));
    expect(done).toMatchObject({ status: 'completed', percentage_done: 100, deleted_entries: 5 });
    expect(await entriesOf('app_metadata.tier', stored.generation, stored.shards)).toEqual([]);
  });

  it('counts an object at the path as a value of another type', async () => {
    await seedUser({ user_metadata: { score: { best: 3 } } });
    await seedUser({ user_metadata: { score: 7 } });
    const created = await declare('user_metadata.score', 'number');
    const job = await jobWhenEnded(created.job_id);
    expect(job).toMatchObject({ status: 'completed', type_mismatches: 1 });
    const stored = (await declaration('user_metadata.score'))!;
    expect(stored.mixed).toBe(true);
    expect((await entriesOf('user_metadata.score', stored.generation, stored.shards)).map((e) => e.v ?? 'object').sort()).toEqual([7, 'object']);
  });

  it('resumes from the cursor saved in the job item', async () => {
    await seedUser({ user_metadata: { team: 'red' } });
    const now = new Date();
    const job = newBackfillJob({ path: 'user_metadata.team', generation: 'abcd0123' }, now, now.toISOString());
    const index: StoredIndex = {
      path: 'user_metadata.team', type: 'string', status: 'building', generation: 'abcd0123', shards: 2, mixed: false, created_at: now.toISOString(), job_id: job.id,
    };
    expect(await insertIndexDeclaration(searchIndexKey(index.path), index, { ...job })).toBe(true);

    // A runner past its stop time does one step (one Scan page of segment 0), saves it and pauses.
    expect(await runJob(job.id, { stopAt: Date.now() })).toBe('paused');
    const paused = (await findJob(job.id))!;
    expect(paused).toMatchObject({ status: 'processing', revision: 1, cursor: { segment: 1 } });
    expect(paused.percentage_done).toBeLessThan(100);

    expect(await runJob(job.id)).toBe('finished');
    const wire = await jobWhenEnded(job.id);
    expect(wire).toMatchObject({ status: 'completed', percentage_done: 100, processed_users: 8, type_mismatches: 0 });
    const entries = await entriesOf('user_metadata.team', 'abcd0123', 2);
    expect(entries.map((e) => e.v)).toEqual(['red']);
    expect(await runJob(job.id)).toBe('finished'); // a finished job is left alone
    expect((await findJob(job.id))!.revision).toBe(paused.revision + 7);
  });

  it('finishes without marking anything when the index is deleted before the backfill runs', async () => {
    const now = new Date();
    const job = newBackfillJob({ path: 'user_metadata.gone', generation: 'deadbeef' }, now, now.toISOString());
    const index: StoredIndex = {
      path: 'user_metadata.gone', type: 'string', status: 'building', generation: 'deadbeef', shards: 8, mixed: false, created_at: now.toISOString(), job_id: job.id,
    };
    await insertIndexDeclaration(searchIndexKey(index.path), index, { ...job });
    expect((await call('search-indexes-delete', { scopes: INDEX_SCOPES, params: { path: 'user_metadata.gone' } })).status).toBe(204);
    expect(await runJob(job.id)).toBe('finished');
    expect(await jobWhenEnded(job.id)).toMatchObject({ status: 'completed', processed_users: 0, status_details: 'The index was deleted before its backfill ended.' });
    expect(await declaration('user_metadata.gone')).toBeUndefined();
  });

  it('fails, naming the user, when indexing would give a user more values than one user may hold', async () => {
    const crowded = await seedUser({ app_metadata: { labels: Array.from({ length: 35 }, (_, i) => `l${i}`) } });
    const created = await declare('app_metadata.labels', 'string');
    const job = await jobWhenEnded(created.job_id);
    expect(job).toMatchObject({ status: 'failed' });
    expect(job.status_details).toMatch(
      new RegExp(`^User ${crowded.user_id.replace('|', '\\|')} would hold 4\\d indexed values; at most 40 can be indexed per user\\. Change the user, then delete the index and declare it again\\.$`),
    );
    expect((await declaration('app_metadata.labels'))!.status).toBe('building');
  });
});
