import { deployAction } from '#shared/actions/actions';
import { toWireDeployedVersion } from '#shared/actions/model';
import { ActionIdParams } from '#shared/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-deploy', { params: ActionIdParams }, async ({ params }) => {
  const { action, deployed } = await deployAction(params.id);
  return { body: toWireDeployedVersion(deployed, action) };
});
