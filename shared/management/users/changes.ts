import { applyMetadataUpdate, type MetadataUpdate } from '#shared/management/metadata/merge';
import type { MetadataStore } from '#shared/management/metadata/rules';
import type { UserRecord } from '#shared/management/users/model';

/** A change to one user, as the domain decides it and the repository writes it. */
export interface UserChanges {
  /** Root fields to set (`password_hash`, `email`, `name`, …). */
  set: Partial<Record<keyof UserRecord, unknown>>;
  /** Root fields to remove (a PATCH that sends `null`). */
  remove: (keyof UserRecord)[];
  metadata: Partial<Record<MetadataStore, MetadataUpdate>>;
  /** From If-Match, or the version a read saw: the write happens only at one of these versions. */
  expectedVersions?: number[];
  /** Key counts were checked exactly against a read (the version condition keeps that true). */
  keyCountChecked?: boolean;
  /** Every user_metadata key set must be new (create:current_user_metadata). */
  createOnlyUserMetadata?: boolean;
  /** The `connection` a PATCH names: the write happens only if the user is in it. */
  expectedConnection?: string;
}

/** The same change in memory, for writes that cannot ask DynamoDB for the new item. */
export function applyChanges(user: UserRecord, changes: UserChanges, now: string): UserRecord {
  const next: Record<string, unknown> = { ...user, ...changes.set, updated_at: now, version: user.version + 1 };
  for (const field of changes.remove) delete next[field];
  for (const [store, update] of Object.entries(changes.metadata) as [MetadataStore, MetadataUpdate][]) {
    next[store] = applyMetadataUpdate(user[store], update);
  }
  return next as unknown as UserRecord;
}
