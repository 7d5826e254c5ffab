import { header } from '#shared/http/event';
import { openRoute } from '#shared/http/handler';
import { userinfo } from '#shared/authentication/oauth/userinfo';

export const handler = openRoute('userinfo', async ({ event }) => ({
  body: await userinfo(header(event, 'authorization')),
  headers: { 'cache-control': 'no-store' },
}));
