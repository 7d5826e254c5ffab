import { header, rawBody } from '#shared/http/event';
import { pageRoute } from '#shared/http/page-route';
import { formFields } from '#shared/authentication/universal-login/form';
import { verifyAndRedeem } from '#shared/authentication/lock/login-ticket';

export const handler = pageRoute('co-verify', async ({ event, query, cookies, sourceIp, userAgent }) => {
  const origin = header(event, 'origin');
  return verifyAndRedeem({
    query,
    cookies,
    ip: sourceIp,
    ...(userAgent ? { userAgent } : {}),
    ...(origin !== undefined ? { origin } : {}),
    form: formFields(header(event, 'content-type'), rawBody(event).toString('utf8')),
  });
});
