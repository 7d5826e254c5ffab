import { escapeHtml } from '#shared/authentication/universal-login/pages/escape';
import { ICONS, renderDocument } from '#shared/authentication/universal-login/pages/layout';

/**
 * The error card for what cannot go back to the application (an unknown client, a redirect_uri
 * not among its callbacks, an expired login transaction). It carries no link to any redirect
 * target: the request's URLs are exactly what is not trusted here.
 */
export function renderErrorPage(p: { title: string; message: string; code?: string; nonce: string }): string {
  const code = p.code === undefined || p.code === '' ? '' : `<p class="code">Error code: <code>${escapeHtml(p.code)}</code></p>`;
  const card = [
    '<header class="card-header">',
    `<div class="icon-badge error">${ICONS.errorBadge}</div>`,
    `<h1>${escapeHtml(p.title)}</h1>`,
    '</header>',
    `<p class="message">${escapeHtml(p.message)}</p>`,
    code,
  ].join('\n');
  return renderDocument({ title: p.title, nonce: p.nonce, card });
}
