import { randomAlphanumeric } from '#shared/platform/ids';

/**
 * Background jobs: one item each, holding status and progress, so a runner that stops (a Lambda
 * near its deadline, a crash) resumes from the item's cursor. The wire form is Auth0's job shape
 * (`GET /api/v2/jobs/{id}`) plus the progress of our own job types.
 */
export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed';
export type JobType = 'search_index_backfill' | 'search_index_cleanup' | 'connection_delete';

/** Where a paged read stopped: opaque to the jobs (the repository's start key). */
export type PageStart = Record<string, unknown>;

interface JobCommon {
  id: string;
  type: JobType;
  status: JobStatus;
  created_at: string;
  updated_at: string;
  /** The runner does no work before this time (ISO). */
  not_before: string;
  /** Incremented by every save; a save applies only at the revision its runner read (one runner at a time). */
  revision: number;
  percentage_done: number;
  /** Why the job failed, or a note on how it ended; safe to show. */
  status_details?: string;
  /** Epoch seconds: DynamoDB deletes a finished job after a day, as Auth0 does. */
  ttl?: number;
}

/** Scans the users in SCAN_SEGMENTS segments, one after the other. */
export interface BackfillJob extends JobCommon {
  type: 'search_index_backfill';
  /** The declared path; absent for the built-in root-field index. */
  path?: string;
  generation: string;
  cursor: { segment: number; start?: PageStart };
  processed_users: number;
  type_mismatches: number;
  /** Items scanned in finished segments and in the current one: the percentage estimate. */
  scanned_done: number;
  scanned_segment: number;
}

/** Deletes one generation's entries, shard partition by shard partition. */
export interface CleanupJob extends JobCommon {
  type: 'search_index_cleanup';
  path: string;
  generation: string;
  shards: number;
  /** The backfill of the deleted index: the cleanup starts once it has stopped writing. */
  backfill_job_id: string;
  cursor: { shard: number; start?: PageStart };
  deleted_entries: number;
}

/** Deletes a deleted connection's users (a Scan of the profiles, segment by segment), then the connection (management/connections/delete-job.ts). */
export interface ConnectionDeleteJob extends JobCommon {
  type: 'connection_delete';
  connection_id: string;
  /** The connection's name: users name their connection by it. */
  connection: string;
  cursor: { segment: number; start?: PageStart };
  deleted_users: number;
  scanned_done: number;
  scanned_segment: number;
}

export type JobRecord = BackfillJob | CleanupJob | ConnectionDeleteJob;

export const SCAN_SEGMENTS = 8;
/** Finished jobs are kept this long (Auth0 deletes jobs after 24 h). */
export const FINISHED_JOB_TTL_SECONDS = 24 * 3600;
/**
 * The longest a write may take from loading the declarations to committing: a request's whole life
 * (API Gateway stops at 30 s). A declaration change is known to every writer once the declarations
 * cache has expired and every write begun before that has ended.
 */
export const WRITER_MARGIN_MS = 30_000;

export const newJobId = () => `job_${randomAlphanumeric(16)}`;
export const isFinished = (job: Pick<JobRecord, 'status'>) => job.status === 'completed' || job.status === 'failed';

/** When every writer knows a declaration change made at `now` (no cache: at once). */
export const settledAfter = (now: Date, cacheMs: number) =>
  new Date(now.getTime() + (cacheMs > 0 ? cacheMs + WRITER_MARGIN_MS : 0)).toISOString();

/** When every write begun before `from` has ended (no cache, so no stale writer: at once). */
export const writesEndedAfter = (from: Date, cacheMs: number) =>
  new Date(from.getTime() + (cacheMs > 0 ? WRITER_MARGIN_MS : 0)).toISOString();

function common(type: JobType, now: Date, notBefore: string) {
  const at = now.toISOString();
  return { id: newJobId(), type, status: 'pending' as const, created_at: at, updated_at: at, not_before: notBefore, revision: 0, percentage_done: 0 };
}

export function newBackfillJob(index: { path?: string; generation: string }, now: Date, notBefore: string): BackfillJob {
  return {
    ...common('search_index_backfill', now, notBefore),
    type: 'search_index_backfill',
    ...(index.path !== undefined ? { path: index.path } : {}),
    generation: index.generation,
    cursor: { segment: 0 },
    processed_users: 0,
    type_mismatches: 0,
    scanned_done: 0,
    scanned_segment: 0,
  };
}

export function newConnectionDeleteJob(connection: { id: string; name: string }, now: Date): ConnectionDeleteJob {
  return {
    ...common('connection_delete', now, now.toISOString()),
    type: 'connection_delete',
    connection_id: connection.id,
    connection: connection.name,
    cursor: { segment: 0 },
    deleted_users: 0,
    scanned_done: 0,
    scanned_segment: 0,
  };
}

export function newCleanupJob(
  index: { path: string; generation: string; shards: number; job_id: string },
  now: Date,
  notBefore: string,
): CleanupJob {
  return {
    ...common('search_index_cleanup', now, notBefore),
    type: 'search_index_cleanup',
    path: index.path,
    generation: index.generation,
    shards: index.shards,
    backfill_job_id: index.job_id,
    cursor: { shard: 0 },
    deleted_entries: 0,
  };
}

/**
 * A Scan's size is unknown until it ends: the current segment's share is estimated from the items
 * the finished segments held (segments are hash ranges of about equal size). Below 100 until done.
 */
export function percentageDone(job: JobRecord): number {
  if (job.status === 'completed') return 100;
  if (job.type === 'search_index_cleanup') return Math.min(99, Math.floor((100 * job.cursor.shard) / job.shards));
  const { segment } = job.cursor;
  const perSegment = segment > 0 ? job.scanned_done / segment : 0;
  const fraction = perSegment > 0 ? Math.min(0.99, job.scanned_segment / perSegment) : 0;
  return Math.min(99, Math.floor((100 * (segment + fraction)) / SCAN_SEGMENTS));
}

/** Auth0's job fields first (`type, status, created_at, id`), then this job type's progress. */
export function toWireJob(job: JobRecord): Record<string, unknown> {
  const head = { type: job.type, status: job.status, created_at: job.created_at, id: job.id, percentage_done: job.percentage_done };
  const progress =
    job.type === 'connection_delete'
      ? { connection_id: job.connection_id, connection: job.connection, deleted_users: job.deleted_users }
      : job.type === 'search_index_backfill'
        ? { ...(job.path !== undefined ? { path: job.path } : { builtin: true }), processed_users: job.processed_users, type_mismatches: job.type_mismatches }
        : { path: job.path, deleted_entries: job.deleted_entries };
  return { ...head, ...progress, ...(job.status_details !== undefined ? { status_details: job.status_details } : {}) };
}
