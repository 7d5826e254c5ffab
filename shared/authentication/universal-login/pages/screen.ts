import { escapeHtml, safeImageUrl, safeLinkUrl } from '#shared/authentication/universal-login/pages/escape';
import { renderFields, type Field } from '#shared/authentication/universal-login/pages/fields';
import { ICONS, renderDocument } from '#shared/authentication/universal-login/pages/layout';
import { partialAt, type Partials } from '#shared/authentication/universal-login/pages/partials';
import type { Branding } from '#shared/authentication/universal-login/pages/theme';

/** What LEAD hands over to draw the login or signup screen (design.md, "Contract: PAGE -> LEAD"). */
export interface ScreenModel {
  screen: 'login' | 'signup';
  /** e.g. '/u/login?state=abc'; escaped here; only a path on this origin or an http(s) URL is used. */
  formAction: string;
  /** The other screen ('/u/signup?state=abc'); undefined when signup is disabled. */
  switchUrl: string | undefined;
  state: string;
  csrf: string;
  application: { name: string; logo_uri?: string };
  branding: Branding;
  tenantName?: string;
  identifier: 'email' | 'email+username';
  /** Re-filled after an error: email, username, ulp-* (never the password). */
  values: Record<string, string>;
  error?: { message: string; field?: Field };
  passwordRules?: string[];
  partials: Partials;
  nonce: string;
}

const TEXT = {
  login: { title: 'Welcome', verb: 'Log in', tab: 'Log in', switchAsk: "Don't have an account?", switchTo: 'Sign up' },
  signup: { title: 'Create your account', verb: 'Sign up', tab: 'Sign up', switchAsk: 'Already have an account?', switchTo: 'Log in' },
} as const;

/**
 * The hosted login or signup screen, laid out as Auth0's Universal Login: header (logo, title,
 * subtitle), the form with the six partial insertion points in Auth0's order, and the link to
 * the other screen. Every partial sits inside the <form>, so a partial's `ulp-*` input is posted.
 */
export function renderScreen(model: ScreenModel): string {
  const text = TEXT[model.screen];
  const values = model.values;
  const action = safeLinkUrl(model.formAction);
  const formError = model.error !== undefined && model.error.field === undefined ? model.error.message : undefined;
  const card = [
    header(model, text.title, text.verb),
    formError === undefined ? '' : `<div class="alert" id="form-error" role="alert">${ICONS.alert}<span>${escapeHtml(formError)}</span></div>`,
    `<form method="post"${action === undefined ? '' : ` action="${escapeHtml(action)}"`}${formError === undefined ? '' : ' aria-describedby="form-error"'}>`,
    `<input type="hidden" name="state" value="${escapeHtml(model.state)}">`,
    `<input type="hidden" name="_csrf" value="${escapeHtml(model.csrf)}">`,
    partialAt(model.partials, 'form-content-start', values),
    renderFields({ ...model, focusFirstField: !/<(?:input|select|textarea)\b/i.test(model.partials['form-content-start'] ?? '') }),
    partialAt(model.partials, 'form-content-end', values),
    '<button type="submit" class="button">Continue</button>',
    '<div class="footer">',
    partialAt(model.partials, 'form-footer-start', values),
    switchLink(model.switchUrl, text.switchAsk, text.switchTo),
    partialAt(model.partials, 'form-footer-end', values),
    '</div>',
    '<div class="secondary-actions">',
    partialAt(model.partials, 'secondary-actions-start', values),
    partialAt(model.partials, 'secondary-actions-end', values),
    '</div>',
    '</form>',
  ];
  return renderDocument({
    title: `${text.tab} | ${model.application.name}`,
    nonce: model.nonce,
    branding: model.branding,
    card: card.filter((part) => part !== '').join('\n'),
    script: PASSWORD_TOGGLE,
  });
}

function header(model: ScreenModel, title: string, verb: string): string {
  const app = escapeHtml(model.application.name);
  const tenant = model.tenantName === undefined || model.tenantName === '' ? undefined : escapeHtml(model.tenantName);
  const subtitle = tenant === undefined ? `${verb} to continue to ${app}.` : `${verb} to ${tenant} to continue to ${app}.`;
  return `<header class="card-header">${logo(model)}<h1>${escapeHtml(title)}</h1><p class="subtitle">${subtitle}</p></header>`;
}

/** The application's logo, else the tenant's, else a monogram of the application's name. */
function logo(model: ScreenModel): string {
  const appLogo = safeImageUrl(model.application.logo_uri);
  if (appLogo !== undefined) return `<img class="logo" src="${escapeHtml(appLogo)}" alt="${escapeHtml(model.application.name)}">`;
  const tenantLogo = safeImageUrl(model.branding.logo_url);
  if (tenantLogo !== undefined) return `<img class="logo" src="${escapeHtml(tenantLogo)}" alt="${escapeHtml(model.tenantName ?? model.application.name)}">`;
  return `<div class="monogram" aria-hidden="true">${escapeHtml(monogram(model.application.name || model.tenantName || ''))}</div>`;
}

/** The first letter or digit of the name (a whole code point, upper-cased), or a neutral dot. */
export function monogram(name: string): string {
  const first = /[\p{L}\p{N}]/u.exec(name)?.[0];
  return first === undefined ? '•' : first.toLocaleUpperCase('en');
}

function switchLink(url: string | undefined, ask: string, to: string): string {
  const href = safeLinkUrl(url);
  if (href === undefined) return '';
  return `<p>${escapeHtml(ask)} <a href="${escapeHtml(href)}">${escapeHtml(to)}</a></p>`;
}

/**
 * Optional: the password's Show/Hide button is rendered `hidden` and revealed here, so without
 * JavaScript there is no dead button. Its visible word changes; " password" is there for
 * screen readers ("Show password" / "Hide password").
 */
const PASSWORD_TOGGLE = `(function(){var b=document.getElementById('password-toggle');var i=document.getElementById('password');if(!b||!i||!b.firstChild)return;b.hidden=false;b.addEventListener('click',function(){var show=i.type==='password';i.type=show?'text':'password';b.firstChild.nodeValue=show?'Hide':'Show';i.focus();});})();`;
