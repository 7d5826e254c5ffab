import { header } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { preflightHeaders } from '#shared/authentication/oauth/cors';

/** OPTIONS /userinfo: the CORS preflight of a browser application reading the profile with its access token (Lock's getUserInfo). */
export const handler = openRoute('userinfo-preflight', async ({ event }) => ({
  status: 204,
  headers: await preflightHeaders(header(event, 'origin'), header(event, 'access-control-request-headers'), 'GET'),
}));
