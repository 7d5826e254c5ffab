import { UnknownAudienceError } from '#shared/authentication/errors';
import { apiByAudience, userinfoAudience, type Api } from '#shared/tenant/resource-servers';

/**
 * The APIs a token can be issued for: the Management API and the tenant's custom APIs
 * (shared/tenant/resource-servers.ts, cached). /userinfo's audience is added to login tokens
 * that carry `openid`; it is no API of its own.
 */
export { userinfoAudience };

/** The API named by `audience`: 403 access_denied "Service not found: <aud>" when there is none, as on Auth0. */
export async function apiFor(audience: string): Promise<Api> {
  const api = await apiByAudience(audience);
  if (!api) throw new UnknownAudienceError(audience);
  return api;
}
