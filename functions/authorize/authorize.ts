import { pageRoute } from '#shared/http/page-route';
import { authorize } from '#shared/authentication/authorize/authorize';
import { authorizeWithTicket } from '#shared/authentication/lock/login-ticket';

// A login_ticket (cross-origin authentication, Lock) is redeemed by the lock area, which builds on
// authorize/ (so authorize/ cannot call it without a folder cycle): the branch is made here.
export const handler = pageRoute('authorize', async ({ query, cookies, sourceIp, userAgent }) => {
  const req = { query, cookies, ip: sourceIp, ...(userAgent ? { userAgent } : {}) };
  return query.login_ticket !== undefined ? authorizeWithTicket(req) : authorize(req);
});
