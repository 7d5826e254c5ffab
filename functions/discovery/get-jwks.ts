import { header } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { withCors } from '#shared/authentication/oauth/cors';
import { publicJwkSet } from '#shared/authentication/tokens/signing-keys';

/** GET /.well-known/jwks.json; auth0.js (Lock) fetches it from the page to check ID tokens: CORS for an allowed origin. */
export const handler = openRoute('jwks', async ({ event }) => {
  const { result, headers } = await withCors(header(event, 'origin'), async (admit) => {
    await admit(undefined);
    return publicJwkSet();
  });
  return { body: result, headers: { 'cache-control': 'public, max-age=300', vary: 'Origin', ...headers } };
});
