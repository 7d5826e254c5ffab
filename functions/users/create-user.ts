import { managementRoute } from '#shared/http/management-route';
import { createUser } from '#shared/management/users/create';
import { etagOf, toWireUser } from '#shared/management/users/model';
import { CreateUserBody } from '#shared/management/users/schemas';

export const handler = managementRoute('users-create', { body: CreateUserBody }, async ({ body }) => {
  const user = await createUser(body);
  return { status: 201, body: toWireUser(user), headers: { etag: etagOf(user) } };
});
