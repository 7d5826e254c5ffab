import { ConditionFailedError } from '#shared/db/errors';
import { ConcurrentUpdateError, MetadataKeyExistsError, MetadataLimitError, NoIdentityInConnectionError, UserNotFoundError, VersionMismatchError } from '#shared/management/errors';
import { metadataLimits } from '#shared/management/metadata/limits';
import type { MetadataStore } from '#shared/management/metadata/rules';
import { applyChanges, type UserChanges } from '#shared/management/users/changes';
import type { UserRecord } from '#shared/management/users/model';

/**
 * What must hold of the stored user for a change to apply, checked in memory: it exists, is at an
 * If-Match version, is in the connection named, has none of the keys a create-only token sets,
 * and stays within the key limit once the change is applied (removals included, exactly).
 */
export function assertPreconditions(user: UserRecord | undefined, changes: UserChanges, now: string): asserts user is UserRecord {
  if (!user) throw new UserNotFoundError();
  if (changes.expectedVersions && !changes.expectedVersions.includes(user.version)) throw new VersionMismatchError();
  if (changes.expectedConnection !== undefined && changes.expectedConnection !== user.connection) {
    throw new NoIdentityInConnectionError(changes.expectedConnection);
  }
  const existing = (changes.metadata.user_metadata?.set ?? []).find(([key]) => Object.hasOwn(user.user_metadata, key));
  if (changes.createOnlyUserMetadata && existing) {
    throw new MetadataKeyExistsError(existing[0]);
  }
  const after = applyChanges(user, changes, now);
  for (const store of ['user_metadata', 'app_metadata'] as MetadataStore[]) {
    const count = Object.keys(after[store]).length;
    if (count > metadataLimits.maxKeys) {
      throw new MetadataLimitError(`${store} would have ${count} keys; the limit is ${metadataLimits.maxKeys} (METADATA_MAX_KEYS).`);
    }
  }
}

const MAX_ATTEMPTS = 3;

/**
 * Runs a read-check-write attempt again when another writer got in between (its conditional write
 * failed). With If-Match the caller named a version, so a race is a 412 at once.
 */
export async function retryingOnRaces<T>(changes: Pick<UserChanges, 'expectedVersions'>, attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      if (changes.expectedVersions) throw new VersionMismatchError();
      if (i >= MAX_ATTEMPTS) throw new ConcurrentUpdateError();
    }
  }
}
