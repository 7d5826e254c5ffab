import { escapeHtml } from '#shared/authentication/universal-login/pages/escape';
import { ICONS, renderDocument } from '#shared/authentication/universal-login/pages/layout';

/** What `/v2/logout` shows when there is no `returnTo` to send the browser to. */
export function renderLoggedOut(p: { nonce: string; tenantName?: string }): string {
  const from = p.tenantName === undefined || p.tenantName === '' ? '' : ` of ${escapeHtml(p.tenantName)}`;
  const card = [
    '<header class="card-header">',
    `<div class="icon-badge ok">${ICONS.check}</div>`,
    '<h1>You have been logged out</h1>',
    `<p class="subtitle">Your session${from} has ended. You can close this window.</p>`,
    '</header>',
  ].join('\n');
  return renderDocument({ title: 'Logged out', nonce: p.nonce, card });
}
