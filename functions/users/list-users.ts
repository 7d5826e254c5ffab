import { managementRoute } from '#shared/http/management-route';
import { projectFields } from '#shared/management/users/model';
import { listUsers } from '#shared/management/users/read';
import { ListUsersQuery } from '#shared/management/users/schemas';

export const handler = managementRoute('users-list', { query: ListUsersQuery }, async ({ query }) => {
  const page = await listUsers(query);
  const users = page.users.map((u) => projectFields(u, query.fields, query.include_fields));
  if (!query.include_totals) return { body: users };
  return { body: { start: query.page * query.per_page, limit: query.per_page, length: users.length, users, total: page.total } };
});
