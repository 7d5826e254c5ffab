import { pageRoute } from '#shared/http/page-route';
import { authorize } from '#shared/authentication/authorize/authorize';

export const handler = pageRoute('authorize', async ({ query, cookies, sourceIp, userAgent }) =>
  authorize({ query, cookies, ip: sourceIp, ...(userAgent ? { userAgent } : {}) }),
);
