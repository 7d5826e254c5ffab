import { managementRoute } from '#shared/http/management-route';
import { etagOf, projectFields, toWireUser } from '#shared/management/users/model';
import { getUser } from '#shared/management/users/read';
import { GetUserQuery, UserIdParams } from '#shared/management/users/schemas';

export const handler = managementRoute('users-get', { params: UserIdParams, query: GetUserQuery }, async ({ params, query, caller }) => {
  const { user, stats } = await getUser(caller, params.id);
  return { body: projectFields(toWireUser(user, stats), query.fields, query.include_fields), headers: { etag: etagOf(user) } };
});
