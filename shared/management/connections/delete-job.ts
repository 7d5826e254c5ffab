import { scanProfiles } from '#shared/db/jobs-repo';
import { removeConnectionItems } from '#shared/db/connections-repo';
import { tenantChanged } from '#shared/platform/cache';
import { SCAN_SEGMENTS, type ConnectionDeleteJob } from '#shared/management/jobs/model';
import { forEachLimit, type Step } from '#shared/management/jobs/steps';
import { deleteUserById } from '#shared/management/users/remove';

/**
 * Deletes a deleted connection's users, then the connection. The deletion's first write marked
 * the connection deleted (delete.ts), so no login, signup or user creation goes through it any
 * more; every user written before that mark is seen by this strongly consistent Scan. Each user
 * goes as DELETE /users/{id} deletes one (claims, stats, index entries, login counters). Once the
 * whole table is scanned the connection's two items go, and its name is free again.
 * One step is one Scan page of one of SCAN_SEGMENTS segments; steps are idempotent.
 */
const PAGE_ITEMS = 500;
const USERS_IN_FLIGHT = 8;

export async function connectionDeleteStep(job: ConnectionDeleteJob): Promise<Step<ConnectionDeleteJob>> {
  if (job.cursor.segment >= SCAN_SEGMENTS) return finish(job);
  const { segment, start } = job.cursor;
  const page = await scanProfiles(segment, SCAN_SEGMENTS, start, PAGE_ITEMS);
  const users = page.users.filter((user) => user.connection === job.connection);
  await forEachLimit(users, USERS_IN_FLIGHT, (user) => deleteUserById(user.user_id));
  const segmentScanned = job.scanned_segment + page.scanned;
  const next: ConnectionDeleteJob = {
    ...job,
    deleted_users: job.deleted_users + users.length,
    ...(page.next
      ? { cursor: { segment, start: page.next }, scanned_segment: segmentScanned }
      : { cursor: { segment: segment + 1 }, scanned_done: job.scanned_done + segmentScanned, scanned_segment: 0 }),
  };
  return next.cursor.segment >= SCAN_SEGMENTS ? finish(next) : { kind: 'progress', job: next };
}

async function finish(job: ConnectionDeleteJob): Promise<Step<ConnectionDeleteJob>> {
  await removeConnectionItems({ id: job.connection_id, name: job.connection });
  tenantChanged();
  return { kind: 'done', job };
}
