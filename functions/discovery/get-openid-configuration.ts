import { openRoute } from '#shared/http/handler';
import { openIdConfiguration } from '#shared/authentication/discovery/discovery';

export const handler = openRoute('openid-configuration', async () => ({
  body: openIdConfiguration(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
