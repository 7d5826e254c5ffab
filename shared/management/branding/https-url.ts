import * as z from 'zod';

/**
 * Auth0's `absolute-https-uri-or-empty` format (branding's logo, favicon and font URLs, the
 * tenant's picture and support URLs): an absolute https URL, or "" (which clears the field here).
 * A URL that a browser would resolve elsewhere (credentials, whitespace, control characters) is
 * refused as well: these land in the hosted login page's <img>, <link> and CSS.
 */
export const HTTPS_URL_FORMAT = 'absolute-https-uri-or-empty';
export const MAX_HTTPS_URL_LENGTH = 1024;

export function isHttpsUrl(value: string): boolean {
  if (value.length > MAX_HTTPS_URL_LENGTH || /[\s\p{Cc}\p{Cf}"'()<>\\]/u.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && Boolean(url.hostname) && !url.username && !url.password;
  } catch {
    return false;
  }
}

export const httpsUrlOrEmpty = z.string().refine((v) => v === '' || isHttpsUrl(v), {
  error: (i) => `Object didn't pass validation for format ${HTTPS_URL_FORMAT}: ${String(i.input).slice(0, 120)}`,
});
