/**
 * Escaping for the hosted pages, one function per context. Everything the model carries (names,
 * URLs, values, messages) goes through one of these; only prompt partials (the administrator's
 * HTML, as on Auth0) are inserted raw.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text content and double-quoted attribute values alike (every attribute we write is quoted). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Control characters, whitespace and backslashes have no place in a URL we put in a page. */
const URL_NOISE = /[\u0000-\u0020\u007f-\u009f\\\u2028\u2029]/;

/**
 * A URL for an `href` or a form `action`: absolute http(s), or a path on this origin ("/u/login?…",
 * never "//host" which would be another origin). Anything else (`javascript:`, `data:`, garbage)
 * is undefined and the caller leaves the attribute out. The result still needs `escapeHtml`.
 */
export function safeLinkUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || URL_NOISE.test(value)) return undefined;
  if (value.startsWith('/')) return value.startsWith('//') ? undefined : value;
  return isAbsolute(value, ['http:', 'https:']) ? value : undefined;
}

/**
 * A URL for an `<img src>`: https only. The page is served over https, so an http image would be
 * mixed content, and the CSP (`img-src https: data:`) refuses it anyway: better the monogram than
 * a broken image.
 */
export function safeImageUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || URL_NOISE.test(value)) return undefined;
  return isAbsolute(value, ['https:']) ? value : undefined;
}

/** Schemes that run or embed content rather than reach an application. */
const ACTIVE_SCHEMES = new Set(['javascript:', 'vbscript:', 'data:', 'blob:', 'file:', 'about:', 'filesystem:']);

/**
 * An application's callback for a form's `action` (form_post): an absolute URL, http(s) or a
 * native app's own scheme (`com.example.app://callback`), never one of the active schemes.
 */
export function safeCallbackUrl(value: string): string | undefined {
  if (value === '' || URL_NOISE.test(value)) return undefined;
  try {
    return ACTIVE_SCHEMES.has(new URL(value).protocol) ? undefined : value;
  } catch {
    return undefined;
  }
}

function isAbsolute(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * JSON for a `<script>` body: `<`, `>` and `&` cannot close the element or open a comment, and
 * U+2028/U+2029 cannot end a line in older engines. The result is a JavaScript expression.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
