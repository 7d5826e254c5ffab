import { header, rawBody } from '#shared/http/event';
import { pageRoute } from '#shared/http/page-route';
import { formFields } from '#shared/authentication/universal-login/form';
import { submitScreen } from '#shared/authentication/universal-login/screens';

export const handler = pageRoute('login-submit', async ({ event, params, query, cookies, sourceIp, userAgent }) =>
  submitScreen(params.screen ?? '', {
    query,
    cookies,
    ip: sourceIp,
    ...(userAgent ? { userAgent } : {}),
    ...(header(event, 'origin') !== undefined ? { origin: header(event, 'origin')! } : {}),
    form: formFields(header(event, 'content-type'), rawBody(event).toString('utf8')),
  }),
);
