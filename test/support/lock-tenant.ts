import { request, type APIRequestContext } from 'playwright-core';
import type { HttpsService } from '#test/support/https-service';

/**
 * What the Lock browser test sets up in the tenant, through the Management API only (as an
 * administrator would, with the bootstrap credentials), over the service's https domain.
 */
export const CLAIM = 'https://lock.example/favourite_colour';

/** A rule copying a user_metadata field into the ID token (and so into /userinfo). */
export const COPY_RULE = `function copyFavouriteColour(user, context, callback) {
  const meta = user.user_metadata || {};
  if (meta.favourite_colour) context.idToken['${CLAIM}'] = meta.favourite_colour;
  callback(null, user, context);
}`;

export interface Management {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  dispose(): Promise<void>;
}

export async function management(service: HttpsService): Promise<Management> {
  const http: APIRequestContext = await request.newContext({ baseURL: `https://${service.domain}`, ignoreHTTPSErrors: true });
  const m = service.credentials.management;
  const tokenRes = await http.post('/oauth/token', {
    data: { grant_type: 'client_credentials', client_id: m.client_id, client_secret: m.client_secret, audience: m.audience },
  });
  if (tokenRes.status() !== 200) throw new Error(`management token: ${tokenRes.status()} ${await tokenRes.text()}`);
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  return {
    async call(method, path, body) {
      const res = await http.fetch(`/api/v2${path}`, { method, headers: { authorization: `Bearer ${access_token}` }, ...(body === undefined ? {} : { data: body }) });
      const text = await res.text();
      return { status: res.status(), body: text ? JSON.parse(text) : undefined };
    },
    dispose: () => http.dispose(),
  };
}

async function must(api: Management, method: string, path: string, body?: unknown): Promise<any> {
  const res = await api.call(method, path, body);
  if (res.status >= 300) throw new Error(`${method} /api/v2${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A single-page application that embeds Lock at `pageUrl`: public (no secret), implicit (Lock's
 * default `response_type=token`), cross-origin authentication on, its page's origin allowed;
 * enabled on the seeded database connection; and the rule above.
 */
export async function seedLockApplication(api: Management, pageUrl: string, connection: string): Promise<{ clientId: string }> {
  const origin = new URL(pageUrl).origin;
  const client = await must(api, 'POST', '/clients', {
    name: 'Lock test app',
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    grant_types: ['implicit', 'authorization_code'],
    callbacks: [pageUrl],
    web_origins: [origin],
    allowed_origins: [origin],
    allowed_logout_urls: [pageUrl],
    cross_origin_authentication: true,
  });
  await enableOn(api, connection, client.client_id as string);
  await must(api, 'POST', '/rules', { name: 'copy favourite colour', script: COPY_RULE, enabled: true });
  return { clientId: client.client_id as string };
}

async function enableOn(api: Management, connection: string, clientId: string): Promise<void> {
  const [found] = (await must(api, 'GET', `/connections?name=${encodeURIComponent(connection)}`)) as { id: string; enabled_clients: string[] }[];
  if (!found) throw new Error(`no connection ${connection}`);
  await must(api, 'PATCH', `/connections/${found.id}`, { enabled_clients: [...found.enabled_clients, clientId] });
}
