import type { Theme } from '#shared/authentication/universal-login/pages/theme';

/**
 * The one stylesheet of every hosted page, inlined in a nonce'd <style>. The theme's colours are
 * validated hex (theme.ts), so interpolating them is safe. Plain partial fields (`.ulp-field`,
 * `ulp-*` inputs, their labels) get the built-in fields' look: administrators write bare HTML.
 */
export function stylesheet(theme: Theme): string {
  return `:root{--primary:${theme.primary};--on-primary:${theme.onPrimary};--primary-hover:${theme.primaryHover};--link:${theme.link};--focus:${theme.focus};--page:${theme.pageBackground};${BASE_VARIABLES}}${BASE}${FORM}${PARTIALS}${PHONE}`;
}

const BASE_VARIABLES =
  '--ink:#1e212a;--muted:#5b5e66;--border:#868a93;--line:#e3e5ea;--error:#c4111b;--error-bg:#fdf1f1;--radius:6px';

const BASE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;min-height:100dvh;display:flex;flex-direction:column;align-items:center;justify-content:center;padding:32px 16px;background:var(--page);color:var(--ink);font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;font-size:14px;line-height:1.5}
.card{width:400px;max-width:100%;background:#fff;border-radius:10px;box-shadow:0 12px 40px rgba(15,20,40,.12),0 1px 3px rgba(15,20,40,.08);padding:40px}
.card-header{text-align:center;margin-bottom:24px}
.card-header:last-child{margin-bottom:0}
.logo{display:block;max-width:100%;max-height:52px;margin:0 auto 24px;object-fit:contain}
.monogram{display:flex;align-items:center;justify-content:center;width:52px;height:52px;margin:0 auto 24px;border-radius:14px;background:var(--primary);color:var(--on-primary);font-size:24px;font-weight:600;line-height:1;user-select:none}
.icon-badge{display:flex;align-items:center;justify-content:center;width:52px;height:52px;margin:0 auto 20px;border-radius:50%}
.icon-badge svg{width:28px;height:28px}
.icon-badge.error{background:var(--error-bg);color:var(--error)}
.icon-badge.ok{background:#eef8f1;color:#1f7a3d}
h1{margin:0 0 8px;font-size:24px;font-weight:600;line-height:1.25;letter-spacing:-.01em;overflow-wrap:anywhere;text-wrap:balance}
.subtitle{margin:0;color:var(--muted);overflow-wrap:anywhere;text-wrap:pretty}
.message{margin:0 0 8px;color:var(--ink);text-align:center;overflow-wrap:anywhere}
.code{margin:16px 0 0;text-align:center;color:var(--muted);font-size:13px}
.code code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f4f5f8;border-radius:4px;padding:2px 6px;color:var(--ink);overflow-wrap:anywhere}
a{color:var(--link);font-weight:500;text-decoration:none}
a:hover{text-decoration:underline}
a:focus-visible,button:focus-visible{outline:2px solid var(--focus);outline-offset:2px;border-radius:3px}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
`;

const FORM = `
.alert{display:flex;gap:10px;align-items:flex-start;margin:0 0 20px;padding:12px 14px;border-radius:var(--radius);background:var(--error-bg);border:1px solid #f3c4c6;color:var(--error);font-weight:500}
.alert svg,.field-error svg{flex:none;width:16px;height:16px;margin-top:2px}
.field{margin:0 0 16px}
.field label,.ulp-field label{display:block;margin:0 0 6px;font-weight:500;color:var(--ink)}
.input,.ulp-field input:not([type=checkbox]):not([type=radio]):not([type=hidden]),.ulp-field select,.ulp-field textarea,form input[name^="ulp-"]:not([type=checkbox]):not([type=radio]):not([type=hidden]),form select[name^="ulp-"],form textarea[name^="ulp-"]{display:block;width:100%;min-height:48px;margin:0;padding:11px 14px;border:1px solid var(--border);border-radius:var(--radius);background:#fff;color:var(--ink);font:inherit;font-size:16px;line-height:24px;transition:border-color .15s,box-shadow .15s}
textarea[name^="ulp-"],.ulp-field textarea{min-height:96px;resize:vertical}
.input:hover,form [name^="ulp-"]:hover{border-color:#5f636b}
.input:focus,form input[name^="ulp-"]:focus,form select[name^="ulp-"]:focus,form textarea[name^="ulp-"]:focus,.ulp-field input:focus,.ulp-field select:focus,.ulp-field textarea:focus{outline:2px solid var(--focus);outline-offset:0;border-color:var(--focus)}
.input[aria-invalid=true]{border-color:var(--error)}
.input[aria-invalid=true]:focus{outline-color:var(--error)}
.field-error{display:flex;gap:6px;align-items:flex-start;margin:6px 0 0;color:var(--error);font-size:13px;font-weight:500}
.password-wrap{position:relative}
.password-wrap .input{padding-right:72px}
.toggle{position:absolute;top:6px;right:6px;height:36px;min-width:56px;padding:0 10px;border:0;border-radius:4px;background:transparent;color:var(--link);font:inherit;font-weight:600;cursor:pointer}
.toggle:hover{background:#f2f3f6}
.toggle[hidden]{display:none}
.rules{margin:10px 0 0;padding:12px 14px;border:1px solid var(--line);border-radius:var(--radius);background:#fafbfc;color:var(--muted);font-size:13px}
.rules p{margin:0 0 4px;color:var(--ink);font-weight:500}
.rules ul{margin:0;padding-left:18px}
.rules li{margin:2px 0}
.rules li ul{margin:2px 0 0;padding-left:18px;list-style:circle}
.button{display:block;width:100%;min-height:52px;margin:24px 0 0;padding:12px 16px;border:0;border-radius:var(--radius);background:var(--primary);color:var(--on-primary);font:inherit;font-size:16px;font-weight:600;cursor:pointer;transition:background-color .15s}
.button:hover{background:var(--primary-hover)}
.button:focus-visible{outline:2px solid var(--focus);outline-offset:3px;border-radius:var(--radius)}
.footer{margin:20px 0 0;text-align:center;color:var(--ink)}
.footer p{margin:0}
`;

const PARTIALS = `
.ulp-field{margin:0 0 16px}
form label:has(+ input[name^="ulp-"]:not([type=checkbox]):not([type=radio]):not([type=hidden])),form label:has(+ select[name^="ulp-"]),form label:has(+ textarea[name^="ulp-"]){display:block;margin:0 0 6px;font-weight:500;color:var(--ink)}
form input[name^="ulp-"]:not([type=checkbox]):not([type=radio]):not([type=hidden]),form select[name^="ulp-"],form textarea[name^="ulp-"]{margin-bottom:16px}
.ulp-field:has(> input[type=checkbox]),.ulp-field:has(> input[type=radio]){display:flex;gap:10px;align-items:flex-start}
.ulp-field:has(> input[type=checkbox]) label,.ulp-field:has(> input[type=radio]) label{margin:0;font-weight:400}
form input[name^="ulp-"][type=checkbox],form input[name^="ulp-"][type=radio]{flex:none;width:18px;height:18px;margin:2px 0 0;accent-color:var(--primary)}
form input[name^="ulp-"][type=checkbox]:focus-visible,form input[name^="ulp-"][type=radio]:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.secondary-actions:empty{display:none}
`;

const PHONE = `
@media (max-width:480px){
body{justify-content:flex-start;padding:0;background:#fff}
.card{width:100%;border-radius:0;box-shadow:none;padding:32px 20px 24px}
}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
@media (forced-colors:active){.button,.monogram,.alert,.rules{border:1px solid CanvasText}.card{border:1px solid CanvasText}}
`;
