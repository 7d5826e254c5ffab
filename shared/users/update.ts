import type { Caller } from '#shared/auth/caller';
import { connectionByName } from '#shared/connections/connections';
import { normaliseEmail, normaliseUsername } from '#shared/db/keys';
import { findUser, updateUser as writeUpdate, updateUserAndClaims } from '#shared/db/users-repo';
import { BadRequestError, MetadataLimitError, NoIdentityInConnectionError, UserNotFoundError, VersionMismatchError } from '#shared/errors';
import { metadataLimits } from '#shared/metadata/limits';
import { metadataUpdate } from '#shared/metadata/merge';
import { validateMetadata, type MetadataStore } from '#shared/metadata/rules';
import { hashPassword } from '#shared/passwords/hash';
import { assertCanUpdate } from '#shared/users/access';
import { applyChanges, type UserChanges } from '#shared/users/changes';
import { USERNAME_NOT_ALLOWED } from '#shared/users/create';
import type { UserRecord } from '#shared/users/model';
import type { UpdateUserBody } from '#shared/users/schemas';

/**
 * PATCH /api/v2/users/{id}. Root fields are replaced (`null` removes the optional ones); metadata
 * follows Auth0's merge rules. Most changes are one conditional UpdateItem with no read; moving
 * an email or username also moves its uniqueness claim, so that is a read and a transaction.
 */
const ROOT_FIELDS = [
  'email_verified', 'phone_number', 'phone_verified', 'given_name', 'family_name', 'name', 'nickname', 'picture', 'blocked',
] as const;
const METADATA_STORES: MetadataStore[] = ['user_metadata', 'app_metadata'];
const MAX_ATTEMPTS = 3;

export async function updateUser(
  caller: Caller,
  userId: string,
  body: UpdateUserBody,
  expectedVersions: number[] | undefined,
): Promise<UserRecord> {
  const permission = assertCanUpdate(caller, userId, body);
  const changes = await toChanges(body, expectedVersions, permission.createOnlyUserMetadata);
  const now = new Date().toISOString();
  if (body.email === undefined && body.username === undefined) {
    return writeUpdate(userId, changes, now, metadataLimits.maxKeys);
  }
  return updateIdentifiers(userId, body, changes, now);
}

async function toChanges(body: UpdateUserBody, expectedVersions: number[] | undefined, createOnly: boolean): Promise<UserChanges> {
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
    changes.set.last_password_reset = new Date().toISOString();
  }
  return changes;
}

/** Email or username changes: read, check, and commit profile and claims together (retried on a race). */
async function updateIdentifiers(userId: string, body: UpdateUserBody, base: UserChanges, now: string): Promise<UserRecord> {
  for (let attempt = 1; ; attempt++) {
    const before = await findUser(userId);
    if (!before) throw new UserNotFoundError();
    if (base.expectedVersions && !base.expectedVersions.includes(before.version)) throw new VersionMismatchError();
    const changes = await identifierChanges(before, body, base);
    const after = applyChanges(before, changes, now);
    assertKeyCounts(after);
    try {
      await updateUserAndClaims(before, after, changes, now, Number.MAX_SAFE_INTEGER);
      return after;
    } catch (error) {
      // Someone else wrote between our read and our write; without If-Match, try again on fresh data.
      if (!(error instanceof VersionMismatchError) || base.expectedVersions || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** With the user read, the key-count limit is checked exactly rather than by condition. */
function assertKeyCounts(user: UserRecord): void {
  for (const store of METADATA_STORES) {
    const count = Object.keys(user[store]).length;
    if (count > metadataLimits.maxKeys) {
      throw new MetadataLimitError(`${store} would have ${count} keys; the limit is ${metadataLimits.maxKeys} (METADATA_MAX_KEYS).`);
    }
  }
}

async function identifierChanges(before: UserRecord, body: UpdateUserBody, base: UserChanges): Promise<UserChanges> {
  if (body.connection !== undefined && body.connection !== before.connection) throw new NoIdentityInConnectionError(body.connection);
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
    if (connection.options.requires_username !== true) throw new BadRequestError(USERNAME_NOT_ALLOWED);
    set.username = normaliseUsername(body.username);
  }
  return { ...base, set };
}
