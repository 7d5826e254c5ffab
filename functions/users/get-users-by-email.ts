import { managementRoute } from '#shared/http/management-route';
import { projectFields, toWireUser } from '#shared/management/users/model';
import { usersByEmail } from '#shared/management/users/read';
import { UsersByEmailQuery } from '#shared/management/users/schemas';

export const handler = managementRoute('users-by-email', { query: UsersByEmailQuery }, async ({ query }) => {
  const users = await usersByEmail(query.email);
  return { body: users.map(({ user, stats }) => projectFields(toWireUser(user, stats), query.fields, query.include_fields)) };
});
