import { managementRoute } from '#shared/http/management-route';
import { getJob } from '#shared/management/jobs/jobs';
import { toWireJob } from '#shared/management/jobs/model';
import { JobIdParams } from '#shared/management/jobs/schemas';

export const handler = managementRoute('jobs-get', { params: JobIdParams }, async ({ params }) => ({
  body: toWireJob(await getJob(params.id)),
}));
