import { pageRoute } from '#shared/http/page-route';
import { oidcLogout } from '#shared/authentication/authorize/logout';

export const handler = pageRoute('oidc-logout', async ({ query, cookies }) => oidcLogout(query, cookies));
