import type { Caller } from '#shared/tenant/caller';
import { HiddenServerError, ManagementError } from '#shared/platform/errors';
import { log } from '#shared/platform/log';
import type { MetadataPatch } from '#shared/sandbox/contract';
import { updateUser } from '#shared/management/users/update';
import type { UserRecord } from '#shared/management/users/model';

/**
 * Writes what rules and actions changed in a user's metadata: the same path as a Management API
 * PATCH (Auth0's merge rules, the metadata limits, one conditional UpdateItem when it can be), as
 * `auth0.users.updateUserMetadata` does on Auth0. A change that breaks a limit fails the login.
 */
const LOGIN_EXTENSIONS: Caller = {
  subject: 'login-extensions',
  clientId: undefined,
  scopes: new Set(['update:users']),
  isUser: false,
};

export async function persistMetadata(userId: string, userMetadata?: MetadataPatch, appMetadata?: MetadataPatch): Promise<UserRecord | undefined> {
  if (!userMetadata && !appMetadata) return undefined;
  try {
    return await updateUser(LOGIN_EXTENSIONS, userId, {
      ...(userMetadata ? { user_metadata: userMetadata } : {}),
      ...(appMetadata ? { app_metadata: appMetadata } : {}),
    }, undefined);
  } catch (error) {
    if (error instanceof ManagementError) {
      log.warn('metadata from a rule or action refused', { user_id: userId, error: error.message });
      throw new HiddenServerError('A rule or action changed metadata in a way that is not allowed; the tenant log has the details.');
    }
    throw error;
  }
}
