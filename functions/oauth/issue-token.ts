import { header } from '#shared/http/event';
import { corsOnRefusals } from '#shared/http/cors-refusals';
import { openRoute } from '#shared/http/handler';
import { tokenRequestInput } from '#shared/http/token-request-input';
import { withCors } from '#shared/authentication/oauth/cors';
import { issueToken } from '#shared/authentication/oauth/token-endpoint';
import { readTokenRequest } from '#shared/authentication/oauth/token-request';

export const handler = openRoute('oauth-token', async ({ event, sourceIp }) => {
  const { result, headers } = await withCors(header(event, 'origin'), async (admit) => {
    const req = readTokenRequest(tokenRequestInput(event, sourceIp));
    await admit(req.clientId);
    return issueToken(req);
  });
  return { body: result, headers: { 'cache-control': 'no-store', pragma: 'no-cache', ...headers } };
}, corsOnRefusals('oauth-token'));
