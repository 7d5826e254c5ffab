import { randomBytes } from 'node:crypto';
import type { Reply } from '#shared/http/event';
import type { AnswerTarget } from '#shared/authentication/authorize/request';
import { pageHeaders, renderErrorPage, renderFormPost, renderWebMessage } from '#shared/authentication/universal-login/pages/index';

/**
 * An /authorize answer delivered to the application the way it asked (`response_mode`):
 * - query: 302 to the redirect URI with the parameters added to its query (codes, errors);
 * - fragment: 302 with the parameters in the fragment (tokens stay out of server logs);
 * - form_post: a page that posts them to the redirect URI;
 * - web_message: a page that posts `{type: 'authorization_response', response}` to the redirect
 *   URI's origin (checked against the application's web_origins by request.ts), framed only by it.
 */
export const newNonce = () => randomBytes(16).toString('base64');

export function deliver(target: AnswerTarget, answer: Record<string, string>, cookies: string[] = []): Reply {
  const withCookies = cookies.length > 0 ? { cookies } : {};
  switch (target.response_mode) {
    case 'query': {
      const url = new URL(target.redirect_uri);
      for (const [k, v] of Object.entries(answer)) url.searchParams.append(k, v);
      return { status: 302, headers: redirectHeaders(url.href), ...withCookies };
    }
    case 'fragment': {
      const url = new URL(target.redirect_uri);
      url.hash = new URLSearchParams(answer).toString();
      return { status: 302, headers: redirectHeaders(url.href), ...withCookies };
    }
    case 'form_post': {
      const nonce = newNonce();
      return {
        headers: pageHeaders({ nonce, formAction: 'any' }),
        text: renderFormPost({ action: target.redirect_uri, fields: answer, nonce }),
        ...withCookies,
      };
    }
    case 'web_message': {
      const nonce = newNonce();
      const origin = new URL(target.redirect_uri).origin;
      return {
        headers: pageHeaders({ nonce, frameAncestors: [origin] }),
        text: renderWebMessage({ targetOrigin: origin, response: answer, nonce }),
        ...withCookies,
      };
    }
  }
}

/** An error sent back to the application: Auth0's `error`, `error_description` and `state`. */
export function deliverError(target: AnswerTarget, error: string, description: string, cookies: string[] = []): Reply {
  return deliver(target, { error, error_description: description, ...(target.state !== undefined ? { state: target.state } : {}) }, cookies);
}

export function errorPage(status: number, title: string, message: string, code?: string, cookies: string[] = []): Reply {
  const nonce = newNonce();
  return {
    status,
    headers: pageHeaders({ nonce }),
    text: renderErrorPage({ title, message, ...(code !== undefined ? { code } : {}), nonce }),
    ...(cookies.length > 0 ? { cookies } : {}),
  };
}

function redirectHeaders(location: string): Record<string, string> {
  return { location, 'cache-control': 'no-store', pragma: 'no-cache', 'referrer-policy': 'no-referrer' };
}
