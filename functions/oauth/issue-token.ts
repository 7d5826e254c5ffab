import { header, rawBody } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { issueToken } from '#shared/authentication/oauth/token-endpoint';
import { readTokenRequest } from '#shared/authentication/oauth/token-request';

export const handler = openRoute('oauth-token', async ({ event, sourceIp }) => ({
  body: await issueToken(
    readTokenRequest({
      body: rawBody(event).toString('utf8'),
      contentType: header(event, 'content-type'),
      authorization: header(event, 'authorization'),
      userAgent: header(event, 'user-agent'),
      ip: sourceIp,
    }),
  ),
  headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
}));
