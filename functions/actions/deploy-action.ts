import { deployAction } from '#shared/management/actions/actions';
import { toWireDeployedVersion } from '#shared/management/actions/model';
import { ActionIdParams } from '#shared/management/actions/schemas';
import { managementRoute } from '#shared/http/management-route';

export const handler = managementRoute('actions-deploy', { params: ActionIdParams }, async ({ params }) => {
  const { action, deployed } = await deployAction(params.id);
  return { body: toWireDeployedVersion(deployed, action) };
});
