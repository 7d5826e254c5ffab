import { header } from '#shared/http/event';
import { managementRoute } from '#shared/http/management-route';
import { customDatabase } from '#shared/sandbox/custom-db/legacy-store';
import { versionsFromIfMatch } from '#shared/management/users/if-match';
import { removeUser } from '#shared/management/users/remove';
import { UserIdParams } from '#shared/management/users/schemas';

export const handler = managementRoute('users-delete', { params: UserIdParams }, async ({ event, params, caller }) => {
  await removeUser(caller, params.id, versionsFromIfMatch(header(event, 'if-match')), customDatabase);
  return { status: 204 };
});
