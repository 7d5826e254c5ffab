import { header } from '#shared/http/event';
import { managementRoute } from '#shared/http/management-route';
import { customDatabase } from '#shared/sandbox/custom-db/legacy-store';
import { versionsFromIfMatch } from '#shared/management/users/if-match';
import { etagOf, toWireUser } from '#shared/management/users/model';
import { UpdateUserBody, UserIdParams } from '#shared/management/users/schemas';
import { updateUser } from '#shared/management/users/update';

export const handler = managementRoute('users-update', { params: UserIdParams, body: UpdateUserBody }, async ({ event, params, body, caller }) => {
  const user = await updateUser(caller, params.id, body, versionsFromIfMatch(header(event, 'if-match')), customDatabase);
  return { body: toWireUser(user), headers: { etag: etagOf(user) } };
});
