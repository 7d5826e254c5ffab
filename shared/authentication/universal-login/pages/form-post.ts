import { escapeHtml, safeCallbackUrl } from '#shared/authentication/universal-login/pages/escape';
import { renderDocument } from '#shared/authentication/universal-login/pages/layout';

/**
 * `response_mode=form_post`: a form that posts the answer to the application's callback. A
 * nonce'd script submits it at once; without JavaScript the user presses Continue. The headers
 * of this page must not carry `form-action` (pageHeaders({ formAction: 'any' })): the target is
 * the application's origin, and what it redirects to after the post is up to it. A relative or
 * active callback (javascript:, data:) throws: it is a registered callback, so a caller's bug.
 */
export function renderFormPost(p: { action: string; fields: Record<string, string>; nonce: string }): string {
  const action = safeCallbackUrl(p.action);
  if (action === undefined) throw new TypeError('form_post needs an absolute callback URL that is not javascript:, data: or the like');
  const inputs = Object.entries(p.fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const card = [
    '<header class="card-header">',
    '<h1>Continue to the application</h1>',
    '<p class="subtitle">You are being signed in. If nothing happens, press Continue.</p>',
    '</header>',
    `<form method="post" action="${escapeHtml(action)}" id="form-post">`,
    ...inputs,
    `<button type="submit" class="button">Continue</button>`,
    '</form>',
  ].join('\n');
  return renderDocument({ title: 'Continue', nonce: p.nonce, card, script: "document.getElementById('form-post').submit();" });
}
