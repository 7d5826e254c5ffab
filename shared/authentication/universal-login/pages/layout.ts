import { escapeHtml } from '#shared/authentication/universal-login/pages/escape';
import { stylesheet } from '#shared/authentication/universal-login/pages/styles';
import { themeFrom, type Branding } from '#shared/authentication/universal-login/pages/theme';

export interface DocumentParts {
  /** The <title>, plain text (escaped here). */
  title: string;
  nonce: string;
  /** The card's inner HTML, already escaped by the caller. */
  card: string;
  branding?: Branding;
  /** A script body (trusted: written by this folder), run under the CSP nonce. */
  script?: string;
}

/**
 * The document every hosted page shares: one centred card, one nonce'd <style>, no external
 * asset (the empty data: icon stops the browser's /favicon.ico request).
 */
export function renderDocument(parts: DocumentParts): string {
  const nonce = escapeHtml(parts.nonce);
  const script = parts.script === undefined ? '' : `<script nonce="${nonce}">${parts.script}</script>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style nonce="${nonce}">${stylesheet(themeFrom(parts.branding))}</style>`,
    '</head>',
    '<body>',
    `<main class="card">${parts.card}</main>`,
    script,
    '</body>',
    '</html>',
  ].join('\n');
}

/** Small inline icons (no external assets); decorative, hidden from assistive technology. */
export const ICONS = {
  alert:
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16" fill="currentColor"><path d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 3.25a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0V5A.75.75 0 0 1 8 4.25Zm0 7.5a.9.9 0 1 1 0-1.8.9.9 0 0 1 0 1.8Z"/></svg>',
  errorBadge:
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z"/><path d="M12 9v4"/><path d="M12 17h.01"/></svg>',
  check:
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><path d="M20 6 9 17l-5-5"/></svg>',
  arrow:
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M5 12h14"/><path d="m12 5 7 7-7 7"/></svg>',
} as const;
