import { header } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { preflightHeaders } from '#shared/authentication/oauth/cors';

/** OPTIONS /oauth/revoke: the CORS preflight of a browser application (auth0-spa-js revokes its refresh token at logout). */
export const handler = openRoute('oauth-revoke-preflight', async ({ event }) => ({
  status: 204,
  headers: await preflightHeaders(header(event, 'origin'), header(event, 'access-control-request-headers'), 'POST'),
}));
