import { connectionByName } from '#shared/connections/connections';
import { insertUser } from '#shared/db/users-repo';
import { InvalidBodyError, UsernameNotAllowedError } from '#shared/errors';
import { newUserIdPart } from '#shared/ids';
import { metadataLimits } from '#shared/metadata/limits';
import { validateMetadata, type JsonObject } from '#shared/metadata/rules';
import { hashPassword } from '#shared/passwords/hash';
import { defaultName, defaultNickname, defaultPicture } from '#shared/users/defaults';
import { DATABASE_PROVIDER, type UserRecord } from '#shared/users/model';
import type { CreateUserBody } from '#shared/users/schemas';
import { normaliseEmail, normaliseUsername } from '#shared/db/keys';

/** POST /api/v2/users for a database connection: one transaction writes the user and its claims. */
export async function createUser(body: CreateUserBody): Promise<UserRecord> {
  const connection = await connectionByName(body.connection);
  if (!body.email) throw new InvalidBodyError("'Missing required property: email'.");
  if (!body.password) throw new InvalidBodyError("'Missing required property: password'.");
  const requiresUsername = connection.options.requires_username === true;
  if (body.username && !requiresUsername) throw new UsernameNotAllowedError();
  if (!body.username && requiresUsername) throw new InvalidBodyError("'Missing required property: username'.");

  const user_metadata = withoutNulls(body.user_metadata ?? {});
  const app_metadata = withoutNulls(body.app_metadata ?? {});
  validateMetadata('user_metadata', user_metadata, metadataLimits);
  validateMetadata('app_metadata', app_metadata, metadataLimits);

  const email = normaliseEmail(body.email);
  const name = body.name ?? defaultName(email);
  const now = new Date().toISOString();
  const user: UserRecord = {
    user_id: `${DATABASE_PROVIDER}|${body.user_id ?? newUserIdPart()}`,
    connection: connection.name,
    email,
    email_verified: body.email_verified ?? false,
    username: body.username ? normaliseUsername(body.username) : undefined,
    phone_number: body.phone_number,
    phone_verified: body.phone_verified,
    name,
    nickname: body.nickname ?? defaultNickname(email),
    given_name: body.given_name,
    family_name: body.family_name,
    picture: body.picture ?? defaultPicture(email, name),
    blocked: body.blocked,
    created_at: now,
    updated_at: now,
    user_metadata,
    app_metadata,
    password_hash: await hashPassword(body.password),
    version: 1,
  };
  await insertUser(user);
  return user;
}

/** On create there is nothing to delete: `null` values are dropped rather than stored. */
function withoutNulls(metadata: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== null)) as JsonObject;
}
