import { InvalidBodyError } from '#shared/platform/errors';
import { usernameLengthProblem } from '#shared/tenant/passwords/usernames';
import { connectionByName } from '#shared/tenant/connections';
import { hashPassword } from '#shared/tenant/passwords/hash';
import { normaliseEmail, normaliseUsername } from '#shared/db/keys';
import { ConditionFailedError } from '#shared/db/errors';
import { findUser } from '#shared/db/users-repo';
import { updateUser as writeUpdate, updateUserAndClaims } from '#shared/management/users/store';
import { UsernameNotAllowedError } from '#shared/management/errors';
import { metadataLimits } from '#shared/management/metadata/limits';
import { metadataUpdate } from '#shared/management/metadata/merge';
import { validateMetadata, type MetadataStore } from '#shared/management/metadata/rules';
import { applyChanges, type UserChanges } from '#shared/management/users/changes';
import { assertPreconditions, retryingOnRaces } from '#shared/management/users/preconditions';
import { indexedUser, type UserRecord } from '#shared/management/users/model';
import type { UpdateUserBody } from '#shared/management/users/schemas';
import { loadSearchIndexes } from '#shared/management/search-indexes/declarations';
import { assertDeclaredTypes, indexChanges, touchesIndexes } from '#shared/management/search-indexes/writes';

/**
 * A PATCH's changes and their writes (PATCH /api/v2/users/{id}, update.ts and legacy-update.ts,
 * and a login's metadata changes). Root fields are replaced (`null` removes the optional ones); metadata
 * follows Auth0's merge rules. Most changes are one conditional UpdateItem with no read. When
 * that condition fails, the user as it was says why (404, 412, a limit, a connection); if none
 * applies, the no-read key-count condition was only conservative, so the change is re-applied
 * at a version just read with exact counts. Moving an email or username also moves its
 * uniqueness claim, and changing an indexed value (a root field search indexes, or metadata under
 * a declared path) moves its index entries: a read and a transaction at that version.
 */
const ROOT_FIELDS = [
  'email_verified', 'phone_number', 'phone_verified', 'given_name', 'family_name', 'name', 'nickname', 'picture', 'blocked',
] as const;
const METADATA_STORES: MetadataStore[] = ['user_metadata', 'app_metadata'];

/**
 * Writes the changes: one conditional UpdateItem when nothing moves, else read, check and write
 * at the version read. `read` is the user as the caller just read it, used by the first attempt.
 */
export async function writeChanges(userId: string, body: UpdateUserBody, changes: UserChanges, now: string, read?: UserRecord): Promise<UserRecord> {
  const indexes = await loadSearchIndexes();
  const movesItems = body.email !== undefined || body.username !== undefined || touchesIndexes(changes, indexes);
  if (!movesItems) {
    try {
      return await writeUpdate(userId, changes, now, metadataLimits.maxKeys);
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      assertPreconditions((error as ConditionFailedError<UserRecord>).current, changes, now);
    }
  }
  // The caller's read serves the first attempt only where no conditional write failed since.
  let first = movesItems ? read : undefined;
  return retryingOnRaces(changes, async () => {
    const before = first ?? (await findUser(userId));
    first = undefined;
    assertPreconditions(before, changes, now);
    const exact = await identifierChanges(before, body, { ...changes, expectedVersions: [before.version], keyCountChecked: true });
    if (!movesItems) return writeUpdate(userId, exact, now, metadataLimits.maxKeys);
    const after = applyChanges(before, exact, now);
    const [old, next] = [indexedUser(before), indexedUser(after)];
    assertDeclaredTypes(old, next, indexes);
    await updateUserAndClaims(before, after, exact, now, indexChanges(old, next, indexes));
    return after;
  });
}

export async function toChanges(body: UpdateUserBody, expectedVersions: number[] | undefined, createOnly: boolean, now: string): Promise<UserChanges> {
  const changes: UserChanges = {
    set: {}, remove: [], metadata: {}, expectedVersions, createOnlyUserMetadata: createOnly, expectedConnection: body.connection,
  };
  for (const field of ROOT_FIELDS) {
    const value = body[field];
    if (value === null) changes.remove.push(field);
    else if (value !== undefined) changes.set[field] = value;
  }
  for (const store of METADATA_STORES) {
    const patch = body[store];
    if (!patch) continue;
    validateMetadata(store, patch, metadataLimits);
    changes.metadata[store] = metadataUpdate(patch);
  }
  if (body.password !== undefined) {
    changes.set.password_hash = await hashPassword(body.password);
    changes.set.last_password_reset = now;
  }
  return changes;
}

/** Email and username changes, decided against the user as read. */
export async function identifierChanges(before: UserRecord, body: UpdateUserBody, base: UserChanges): Promise<UserChanges> {
  const set = { ...base.set };
  if (body.email !== undefined) {
    const email = normaliseEmail(body.email);
    if (email !== before.email) {
      set.email = email;
      // A new address is unverified unless the request says otherwise (as on Auth0).
      set.email_verified = body.email_verified ?? false;
    }
  }
  if (body.username !== undefined) {
    const connection = await connectionByName(before.connection);
    if (connection.options.requires_username !== true) throw new UsernameNotAllowedError();
    const problem = usernameLengthProblem(connection.options, body.username);
    if (problem) throw new InvalidBodyError(`'${problem}' on property username (The user's username).`);
    set.username = normaliseUsername(body.username);
  }
  return { ...base, set };
}

