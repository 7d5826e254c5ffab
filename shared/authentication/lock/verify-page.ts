import { escapeHtml, jsonForScript } from '#shared/authentication/universal-login/pages/escape';
import { renderDocument } from '#shared/authentication/universal-login/pages/layout';
import { pageHeaders } from '#shared/authentication/universal-login/pages/index';

/**
 * The cross-origin verification page (pure rendering): /authorize answers it when a login ticket
 * came without its cookie (the browser blocks third-party cookies, so /co/authenticate's Set-Cookie
 * was dropped). It frames the application's `cross_origin_loc` page, where auth0.js's
 * `crossOriginVerification()` keeps the verifier that /co/authenticate answered, and asks it:
 *
 *   frame  -> page   {type: 'ready'}                                   (to our origin, from #origin=)
 *   page   -> frame  {type: 'co_verifier_request', request: {id: co_id}}   (to cross_origin_loc's origin)
 *   frame  -> page   {type: 'co_verifier_response', response: {verifier}}
 *
 * Messages are taken only from that frame and that origin. The page then posts the verifier, with
 * the /authorize parameters and its CSRF token, to /co/verify. Without an answer within
 * VERIFY_TIMEOUT_MS it posts an empty verifier, and /co/verify answers the application an error.
 */
export const VERIFY_TIMEOUT_MS = 10_000;

export interface VerifyPageModel {
  nonce: string;
  /** The application's cross_origin_loc, with `#origin=<our origin>` (built by the caller). */
  frameUrl: string;
  /** Its origin: the only one the page talks to. */
  frameOrigin: string;
  coId: string;
  /** Hidden fields posted to /co/verify: the /authorize parameters and `_csrf`. */
  fields: Record<string, string>;
}

export function renderVerifyPage(m: VerifyPageModel): string {
  const inputs = Object.entries(m.fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const card = [
    '<header class="card-header">',
    '<h1>Signing you in</h1>',
    '<p class="subtitle">Checking this browser with the application. If nothing happens, press Continue.</p>',
    '</header>',
    '<form method="post" action="/co/verify" id="co-verify">',
    ...inputs,
    '<input type="hidden" name="co_verifier" value="">',
    '<button type="submit" class="button">Continue</button>',
    '</form>',
  ].join('\n');
  const script =
    '(function(){' +
    `var frameUrl=${jsonForScript(m.frameUrl)},target=${jsonForScript(m.frameOrigin)},coId=${jsonForScript(m.coId)};` +
    "var form=document.getElementById('co-verify'),done=false;" +
    'function finish(v){if(done)return;done=true;form.elements.co_verifier.value=v;form.submit();}' +
    "var frame=document.createElement('iframe');frame.style.display='none';frame.title='verification';" +
    "window.addEventListener('message',function(e){" +
    'if(e.origin!==target||e.source!==frame.contentWindow||!e.data||typeof e.data!=="object")return;' +
    "if(e.data.type==='ready'){frame.contentWindow.postMessage({type:'co_verifier_request',request:{id:coId}},target);}" +
    "else if(e.data.type==='co_verifier_response'){var r=e.data.response||{};finish(typeof r.verifier==='string'?r.verifier:'');}" +
    '});' +
    // The listener is in place before the frame loads, so its `ready` cannot be missed.
    'frame.src=frameUrl;document.body.appendChild(frame);' +
    `setTimeout(function(){finish('');},${VERIFY_TIMEOUT_MS});` +
    '})();';
  return renderDocument({ title: 'Signing in', nonce: m.nonce, card, script });
}

/**
 * The page's headers: the hosted pages' CSP (never framed) plus `frame-src` for the verification
 * frame only. `formAction` lists what the post may reach besides 'self': the redirect URI's origin
 * when /co/verify's answer redirects there.
 */
export function verifyPageHeaders(p: { nonce: string; frameOrigin: string; formAction: string[] }): Record<string, string> {
  const headers = pageHeaders({ nonce: p.nonce, formAction: p.formAction });
  const source = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i.test(p.frameOrigin) ? p.frameOrigin : "'none'";
  headers['content-security-policy'] += `; frame-src ${source}`;
  return headers;
}
