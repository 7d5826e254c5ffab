import { header, rawBody } from '#shared/http/event';
import { corsOnRefusals } from '#shared/http/cors-refusals';
import { openRoute } from '#shared/http/handler';
import { withCors } from '#shared/authentication/oauth/cors';
import { crossOriginAuthenticate, readCoAuthenticateBody } from '#shared/authentication/lock/cross-origin';

export const handler = openRoute('co-authenticate', async ({ event, sourceIp }) => {
  const origin = header(event, 'origin');
  const { result, headers } = await withCors(
    origin,
    async (admit) => {
      const body = readCoAuthenticateBody(header(event, 'content-type'), rawBody(event).toString('utf8'));
      await admit(body.client_id);
      return crossOriginAuthenticate(body, origin, sourceIp);
    },
    { credentials: true },
  );
  return { body: result.body, headers: { 'cache-control': 'no-store', pragma: 'no-cache', ...headers }, cookies: [result.cookie] };
}, corsOnRefusals('co-authenticate', { credentials: true }));
