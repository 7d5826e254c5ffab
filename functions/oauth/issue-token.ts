import { openRoute } from '#shared/http/handler';
import { issueToken } from '#shared/oauth/token-endpoint';

export const handler = openRoute('oauth-token', async ({ event }) => ({
  body: await issueToken(event),
  headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
}));
