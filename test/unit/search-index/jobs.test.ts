import { describe, expect, it } from 'vitest';
import { typeMismatches } from '#shared/management/users/index-backfill-job';
import {
  newBackfillJob, newCleanupJob, percentageDone, settledAfter, toWireJob, WRITER_MARGIN_MS, type BackfillJob, type CleanupJob,
} from '#shared/management/jobs/model';

/** The pure parts of jobs: progress estimates, the wire shape, and what counts as a type mismatch. */
const NOW = new Date('2026-05-01T10:00:00.000Z');
const backfill = (over: Partial<BackfillJob> = {}): BackfillJob => ({ ...newBackfillJob({ path: 'app_metadata.plan', generation: 'g1' }, NOW, NOW.toISOString()), ...over });
const cleanup = (over: Partial<CleanupJob> = {}): CleanupJob => ({
  ...newCleanupJob({ path: 'app_metadata.plan', generation: 'g1', shards: 8, job_id: 'job_b' }, NOW, NOW.toISOString()),
  ...over,
});

describe('jobs', () => {
  it('creates pending jobs with Auth0-style ids at revision 0', () => {
    const job = backfill();
    expect(job).toMatchObject({ type: 'search_index_backfill', status: 'pending', revision: 0, percentage_done: 0, cursor: { segment: 0 }, created_at: NOW.toISOString() });
    expect(job.id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    expect(newBackfillJob({ generation: 'r1' }, NOW, NOW.toISOString())).not.toHaveProperty('path');
  });

  it('waits for the declarations cache plus the writers margin, or not at all without a cache', () => {
    expect(settledAfter(NOW, 0)).toBe(NOW.toISOString());
    expect(Date.parse(settledAfter(NOW, 10_000)) - NOW.getTime()).toBe(10_000 + WRITER_MARGIN_MS);
  });

  it('estimates a backfill from its finished segments, below 100 until it completes', () => {
    expect(percentageDone(backfill())).toBe(0);
    // Segment 0 has no estimate of its size yet.
    expect(percentageDone(backfill({ cursor: { segment: 0, start: { pk: 'x' } }, scanned_segment: 400 }))).toBe(0);
    // Two segments of 100 items done, half of the third scanned: 2.5 / 8.
    expect(percentageDone(backfill({ cursor: { segment: 2, start: { pk: 'x' } }, scanned_done: 200, scanned_segment: 50 }))).toBe(31);
    // A segment larger than the estimate stops just short of the next one.
    expect(percentageDone(backfill({ cursor: { segment: 1 }, scanned_done: 10, scanned_segment: 500 }))).toBe(24);
    expect(percentageDone(backfill({ cursor: { segment: 8 }, status: 'processing' }))).toBe(99);
    expect(percentageDone(backfill({ cursor: { segment: 8 }, status: 'completed' }))).toBe(100);
  });

  it('estimates a cleanup by shards done', () => {
    expect(percentageDone(cleanup({ cursor: { shard: 2 } }))).toBe(25);
    expect(percentageDone(cleanup({ cursor: { shard: 8 } }))).toBe(99);
  });

  it("serves Auth0's job fields first, then the job type's progress, and status_details when set", () => {
    const done = backfill({ status: 'completed', percentage_done: 100, processed_users: 12, type_mismatches: 2 });
    expect(Object.keys(toWireJob(done))).toEqual(['type', 'status', 'created_at', 'id', 'percentage_done', 'path', 'processed_users', 'type_mismatches']);
    const root = newBackfillJob({ generation: 'r1' }, NOW, NOW.toISOString());
    expect(toWireJob(root)).toMatchObject({ builtin: true });
    expect(toWireJob(root)).not.toHaveProperty('path');
    const failed = cleanup({ status: 'failed', status_details: 'why' });
    expect(toWireJob(failed)).toEqual({
      type: 'search_index_cleanup', status: 'failed', created_at: NOW.toISOString(), id: failed.id, percentage_done: 0,
      path: 'app_metadata.plan', deleted_entries: 0, status_details: 'why',
    });
    // Internals (cursor, revision, generation, ttl) stay inside.
    expect(Object.keys(toWireJob(backfill({ ttl: 1 })))).not.toContain('ttl');
  });

  it('counts values of another type, objects included', () => {
    expect(typeMismatches([{ v: 'a' }, { v: 'b' }], 'string')).toBe(0);
    expect(typeMismatches([{ v: 'a' }, { v: 1 }, { v: true }, {}], 'string')).toBe(3);
    expect(typeMismatches([{ v: 1.5 }, { v: '1' }], 'number')).toBe(1);
    expect(typeMismatches([{ v: false }], 'boolean')).toBe(0);
  });
});
