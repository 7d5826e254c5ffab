import { header } from '#shared/http/event';
import { corsOnRefusals } from '#shared/http/cors-refusals';
import { openRoute } from '#shared/http/handler';
import { withCors } from '#shared/authentication/oauth/cors';
import { userinfo } from '#shared/authentication/oauth/userinfo';

/** GET /userinfo; from a browser, CORS headers when any application allows its origin (the token names no client up front). */
export const handler = openRoute('userinfo', async ({ event }) => {
  const { result, headers } = await withCors(header(event, 'origin'), async (admit) => {
    await admit(undefined);
    return userinfo(header(event, 'authorization'));
  });
  return { body: result, headers: { 'cache-control': 'no-store', ...headers } };
}, corsOnRefusals('userinfo'));
