import { header } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { preflightHeaders } from '#shared/authentication/oauth/cors';

/**
 * OPTIONS /co/authenticate: auth0.js posts there with `credentials: 'include'` (its cookie binds
 * the login ticket to the browser), so the preflight allows credentials for an allowed origin.
 */
export const handler = openRoute('co-authenticate-preflight', async ({ event }) => ({
  status: 204,
  headers: await preflightHeaders(header(event, 'origin'), header(event, 'access-control-request-headers'), 'POST', { credentials: true }),
}));
