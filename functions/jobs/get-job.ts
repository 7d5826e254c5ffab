import { managementRoute } from '#shared/http/management-route';
import { getJob } from '#shared/jobs/jobs';
import { toWireJob } from '#shared/jobs/model';
import { JobIdParams } from '#shared/jobs/schemas';

export const handler = managementRoute('jobs-get', { params: JobIdParams }, async ({ params }) => ({
  body: toWireJob(await getJob(params.id)),
}));
