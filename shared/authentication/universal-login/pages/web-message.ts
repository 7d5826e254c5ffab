import { escapeHtml, jsonForScript } from '#shared/authentication/universal-login/pages/escape';

/**
 * `response_mode=web_message`: Auth0's small page that hands the answer to the window that opened
 * it (a popup) or framed it (auth0-spa-js's silent iframe). Posting to `targetOrigin` only (the
 * redirect_uri's origin, checked against web_origins by LEAD) keeps the code from any other page.
 * Both values are JSON-encoded for the script, so a hostile `state` cannot end the script.
 */
export function renderWebMessage(p: { targetOrigin: string; response: Record<string, string>; nonce: string }): string {
  const message = { type: 'authorization_response', response: p.response };
  const script =
    '(function(){' +
    `var targetOrigin=${jsonForScript(p.targetOrigin)};` +
    `var authorizationResponse=${jsonForScript(message)};` +
    'var mainWin=window.opener?window.opener:window.parent;' +
    'mainWin.postMessage(authorizationResponse,targetOrigin);' +
    '})();';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="robots" content="noindex, nofollow"><link rel="icon" href="data:,"><title>Authorization Response</title></head>',
    `<body><script nonce="${escapeHtml(p.nonce)}">${script}</script></body>`,
    '</html>',
  ].join('\n');
}
