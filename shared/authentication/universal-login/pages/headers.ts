/**
 * The headers of every hosted page. The CSP allows only this page's nonce'd <style> and <script>,
 * https and data: images, and no framing unless the caller names the origins (web_message's
 * silent iframe). `no-referrer`: a page reached with a code or state in its URL must not leak it.
 */
export interface PageHeaderOptions {
  nonce: string;
  /** Origins allowed to frame the page (web_message); none when absent. */
  frameAncestors?: string[];
  /**
   * Where the page's forms may go. Absent: `'self'` only. A list: `'self'` and these sources; a
   * login screen must list its redirect_uri's origin (`cspSource(redirectUri)`), because Chromium
   * applies form-action to the redirects that follow a POST too, and a successful login answers
   * with a 302 to the application. `'any'`: no form-action at all (the form_post page).
   */
  formAction?: string[] | 'any';
}

export function pageHeaders(p: PageHeaderOptions): Record<string, string> {
  const nonce = p.nonce.replace(/[^A-Za-z0-9+/=_-]/g, '');
  const ancestors = sources(p.frameAncestors ?? []);
  const directives = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    'img-src https: data:',
    p.formAction === 'any' ? undefined : `form-action ${["'self'", ...sources(p.formAction ?? [])].join(' ')}`,
    `frame-ancestors ${ancestors.length > 0 ? ancestors.join(' ') : "'none'"}`,
    "base-uri 'none'",
  ];
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'content-security-policy': directives.filter((d) => d !== undefined).join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (ancestors.length === 0) headers['x-frame-options'] = 'DENY';
  return headers;
}

/**
 * The CSP source for a URL: its origin for http(s) (`https://app.example.com:8443`), its scheme
 * for a native app's custom scheme (`com.example.app:`); undefined for anything unusable.
 */
export function cspSource(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin;
  return /^[a-z][a-z0-9+.-]*:$/i.test(parsed.protocol) && parsed.protocol !== 'javascript:' && parsed.protocol !== 'data:' ? parsed.protocol : undefined;
}

/** Only well-formed sources reach the header: an origin or a scheme, never `;`, `,`, quotes or spaces. */
const SOURCE = /^(?:[a-z][a-z0-9+.-]*:\/\/(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?|[a-z][a-z0-9+.-]*:)$/i;

function sources(list: string[]): string[] {
  return [...new Set(list.filter((s) => SOURCE.test(s) && !/^(?:javascript|data|blob):$/i.test(s)))];
}
