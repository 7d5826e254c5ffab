import { header } from '#shared/http/event';
import { corsOnRefusals } from '#shared/http/cors-refusals';
import { openRoute } from '#shared/http/handler';
import { tokenRequestInput } from '#shared/http/token-request-input';
import { withCors } from '#shared/authentication/oauth/cors';
import { revokeToken } from '#shared/authentication/oauth/revoke';
import { readTokenRequest } from '#shared/authentication/oauth/token-request';

/** POST /oauth/revoke: 200 with an empty body, as Auth0 answers. */
export const handler = openRoute('oauth-revoke', async ({ event, sourceIp }) => {
  const { headers } = await withCors(header(event, 'origin'), async (admit) => {
    const req = readTokenRequest(tokenRequestInput(event, sourceIp));
    await admit(req.clientId);
    await revokeToken(req);
  });
  return { status: 200, headers: { 'cache-control': 'no-store', ...headers } };
}, corsOnRefusals('oauth-revoke'));
