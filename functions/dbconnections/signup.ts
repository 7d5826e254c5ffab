import { header, rawBody } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { signupParams } from '#shared/authentication/dbconnections/body';
import { signupRequest } from '#shared/authentication/dbconnections/request';
import { signUp } from '#shared/authentication/dbconnections/signup';

export const handler = openRoute('signup', async ({ event, sourceIp }) => {
  const params = signupParams(header(event, 'content-type'), rawBody(event).toString('utf8'));
  const request = signupRequest(params, { ip: sourceIp, userAgent: header(event, 'user-agent'), acceptLanguage: header(event, 'accept-language') });
  return { body: await signUp(params, request) };
});
