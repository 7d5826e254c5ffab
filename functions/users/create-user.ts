import { managementRoute } from '#shared/http/management-route';
import { customDatabase } from '#shared/sandbox/custom-db/legacy-store';
import { createUser } from '#shared/management/users/create';
import { etagOf, toWireUser } from '#shared/management/users/model';
import { CreateUserBody } from '#shared/management/users/schemas';

export const handler = managementRoute('users-create', { body: CreateUserBody }, async ({ body }) => {
  const user = await createUser(body, customDatabase);
  return { status: 201, body: toWireUser(user), headers: { etag: etagOf(user) } };
});
