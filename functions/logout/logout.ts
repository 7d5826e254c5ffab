import { pageRoute } from '#shared/http/page-route';
import { logout } from '#shared/authentication/authorize/logout';

export const handler = pageRoute('logout', async ({ query, cookies }) => logout(query, cookies));
