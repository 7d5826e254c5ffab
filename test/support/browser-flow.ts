import { createHash, randomBytes } from 'node:crypto';
import { call, type CallResult } from '#test/support/api';

/**
 * The hosted login as a browser drives it, through the route table: a cookie jar, /authorize,
 * the screens' forms (their hidden `state` and `_csrf` read from the page) and the redirects.
 */
export const SPA_ORIGIN = 'https://app.example.com';
export const SPA_CALLBACK = `${SPA_ORIGIN}/callback`;

export async function seedSpa(extra: Record<string, unknown> = {}): Promise<{ client_id: string }> {
  const res = await call('clients-create', {
    scopes: ['create:clients'],
    body: {
      name: `SPA ${randomBytes(3).toString('hex')}`,
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'implicit'],
      callbacks: [SPA_CALLBACK],
      web_origins: [SPA_ORIGIN],
      allowed_logout_urls: [`${SPA_ORIGIN}/bye`],
      ...extra,
    },
  });
  if (res.status !== 201) throw new Error(`client create failed: ${res.status} ${res.text}`);
  return { client_id: res.body.client_id };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export class Browser {
  readonly jar = new Map<string, string>();

  cookies(): string[] {
    return [...this.jar].map(([k, v]) => `${k}=${v}`);
  }

  keep(res: CallResult): CallResult {
    for (const line of res.cookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(line) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  async authorize(query: Record<string, string>): Promise<CallResult> {
    return this.keep(await call('authorize', { query, cookies: this.cookies() }));
  }

  async screen(location: string): Promise<CallResult> {
    const url = new URL(location, 'https://tenant.local');
    return this.keep(await call('login-screen', { params: { screen: url.pathname.split('/')[2]! }, query: Object.fromEntries(url.searchParams), cookies: this.cookies() }));
  }

  async submit(screen: string, page: string, fields: Record<string, string>): Promise<CallResult> {
    const hidden = hiddenFields(page);
    return this.keep(
      await call('login-submit', {
        params: { screen },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: new URLSearchParams({ ...hidden, ...fields }).toString(),
        cookies: this.cookies(),
      }),
    );
  }
}

/** The hidden inputs of a page's form (`state`, `_csrf`). */
export function hiddenFields(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of page.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1];
    if (name !== undefined && value !== undefined) out[name] = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return out;
}

/** The query (or fragment) parameters of a redirect. */
export function redirectParams(res: CallResult, part: 'query' | 'fragment' = 'query'): Record<string, string> {
  const url = new URL(res.headers.location!);
  return Object.fromEntries(new URLSearchParams(part === 'query' ? url.search : url.hash.slice(1)));
}
