import { openRoute } from '#shared/http/handler';
import { publicJwkSet } from '#shared/authentication/tokens/signing-keys';

export const handler = openRoute('jwks', async () => ({
  body: await publicJwkSet(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
