import { header } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { preflightHeaders } from '#shared/authentication/oauth/cors';

/** OPTIONS /oauth/token: the CORS preflight of a browser application (204, with or without the allow headers). */
export const handler = openRoute('oauth-token-preflight', async ({ event }) => ({
  status: 204,
  headers: await preflightHeaders(header(event, 'origin'), header(event, 'access-control-request-headers'), 'POST'),
}));
