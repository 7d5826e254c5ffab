import { managementRoute } from '#shared/http/management-route';
import { userBlocks } from '#shared/management/user-blocks/blocks';
import { UserIdParams } from '#shared/management/users/schemas';

export const handler = managementRoute('user-blocks-get', { params: UserIdParams }, async ({ params }) => ({
  body: await userBlocks(params.id),
}));
