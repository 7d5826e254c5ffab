/**
 * An application's URLs (callbacks, logout URLs, web and CORS origins), checked as Auth0 checks
 * them, including its subdomain wildcard rules
 * (https://auth0.com/docs/get-started/applications/wildcards-for-subdomains):
 * - `*` at most once per URL, in http or https URLs only;
 * - only in the left-most label of the host, which may carry a prefix or a suffix (`pre*.x.com`);
 * - that label must sit above a registrable name: `https://*.com` and `https://a.*.com` are refused;
 * - never in the scheme, port, path, query or fragment (Auth0 matches those exactly).
 * Origins carry no path, query or fragment (Auth0 ignores them; we refuse them so nothing is
 * silently dropped). Returns why a URL is refused, or undefined when it is acceptable.
 */
export const MAX_URL_LENGTH = 1024;
/** Schemes that would run code or read files in a browser, never a redirect target. */
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);
const MARKER = 'wildcard0marker';

export type UrlKind = 'url' | 'origin';

export function urlProblem(value: string, kind: UrlKind): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `URL is longer than ${MAX_URL_LENGTH} characters`;
  if (/[\s\p{Cc}\p{Cf}]/u.test(value)) return 'URL must not contain whitespace or control characters';
  if (value.includes('{organization_name}')) return 'The {organization_name} placeholder is not supported by this service (no organizations)';
  const stars = value.split('*').length - 1;
  if (stars > 1) return 'A URL may contain the wildcard * only once';
  let url: URL;
  try {
    url = new URL(stars === 1 ? value.replace('*', MARKER) : value);
  } catch {
    return 'Invalid URL';
  }
  if (REFUSED_SCHEMES.has(url.protocol)) return `The scheme ${url.protocol} is not allowed`;
  const web = url.protocol === 'https:' || url.protocol === 'http:';
  if (kind === 'origin') {
    if (!web) return 'An origin must be an http or https URL';
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || value.endsWith('?') || value.endsWith('#')) {
      return 'An origin must not contain a path, query or fragment';
    }
  }
  if (url.username || url.password) return 'A URL must not contain credentials';
  if (web && !url.hostname) return 'Invalid URL';
  if (stars === 1) return wildcardProblem(url, web);
  return undefined;
}

function wildcardProblem(url: URL, web: boolean): string | undefined {
  if (!web) return 'Wildcards are allowed in http and https URLs only';
  const labels = url.hostname.split('.');
  const at = labels.findIndex((label) => label.includes(MARKER));
  if (at < 0) return 'The wildcard * is allowed only in the left-most subdomain of the host';
  if (at !== 0) return 'The wildcard * is allowed only in the left-most subdomain of the host';
  if (labels.length < 3) return 'The wildcard * must be followed by at least two domain labels (e.g. https://*.example.com)';
  if (/^[0-9.]+$/.test(url.hostname.replace(MARKER, '0'))) return 'Wildcards are not allowed in IP addresses';
  return undefined;
}
