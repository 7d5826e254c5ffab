import { openRoute } from '#shared/http/handler';
import { issueToken } from '#shared/authentication/oauth/token-endpoint';
import { readTokenRequest } from '#shared/authentication/oauth/token-request';

export const handler = openRoute('oauth-token', async ({ event }) => ({
  body: await issueToken(readTokenRequest(event)),
  headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
}));
