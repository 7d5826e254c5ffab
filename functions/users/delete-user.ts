import { header } from '#shared/http/event';
import { managementRoute } from '#shared/http/management-route';
import { versionsFromIfMatch } from '#shared/users/if-match';
import { removeUser } from '#shared/users/remove';
import { UserIdParams } from '#shared/users/schemas';

export const handler = managementRoute('users-delete', { params: UserIdParams }, async ({ event, params, caller }) => {
  await removeUser(caller, params.id, versionsFromIfMatch(header(event, 'if-match')));
  return { status: 204 };
});
