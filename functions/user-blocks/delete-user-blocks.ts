import { managementRoute } from '#shared/http/management-route';
import { unblockUser } from '#shared/management/user-blocks/blocks';
import { UserIdParams } from '#shared/management/users/schemas';

export const handler = managementRoute('user-blocks-delete', { params: UserIdParams }, async ({ params }) => {
  await unblockUser(params.id);
  return { status: 204 };
});
