import { pageRoute } from '#shared/http/page-route';
import { showScreen } from '#shared/authentication/universal-login/screens';

export const handler = pageRoute('login-screen', async ({ params, query, cookies, sourceIp, userAgent }) =>
  showScreen(params.screen ?? '', { query, cookies, ip: sourceIp, ...(userAgent ? { userAgent } : {}) }),
);
