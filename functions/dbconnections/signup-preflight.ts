import { header } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { preflightHeaders } from '#shared/authentication/oauth/cors';

/** OPTIONS /dbconnections/signup: Lock's signup (auth0.js posts JSON with its `Auth0-Client` header). */
export const handler = openRoute('signup-preflight', async ({ event }) => ({
  status: 204,
  headers: await preflightHeaders(header(event, 'origin'), header(event, 'access-control-request-headers'), 'POST'),
}));
