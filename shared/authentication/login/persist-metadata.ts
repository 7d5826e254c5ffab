import { HiddenServerError, ManagementError } from '#shared/platform/errors';
import { log } from '#shared/platform/log';
import type { MetadataPatch } from '#shared/sandbox/contract';
import { applyLoginMetadataChanges } from '#shared/management/users/update';
import type { UserRecord } from '#shared/management/users/model';

/**
 * Writes what rules and actions changed in a user's metadata, through the domain function made for
 * it (a PATCH's merge rules, metadata limits and writes: one conditional UpdateItem when it can
 * be), as `auth0.users.updateUserMetadata` does on Auth0. A change that breaks a limit fails the
 * login; the details go to the log only.
 */
export async function persistMetadata(userId: string, userMetadata?: MetadataPatch, appMetadata?: MetadataPatch): Promise<UserRecord | undefined> {
  if (!userMetadata && !appMetadata) return undefined;
  try {
    return await applyLoginMetadataChanges(userId, {
      ...(userMetadata ? { user_metadata: userMetadata } : {}),
      ...(appMetadata ? { app_metadata: appMetadata } : {}),
    });
  } catch (error) {
    if (error instanceof ManagementError) {
      log.warn('metadata from a rule or action refused', { user_id: userId, error: error.message });
      throw new HiddenServerError('A rule or action changed metadata in a way that is not allowed; the tenant log has the details.');
    }
    throw error;
  }
}
