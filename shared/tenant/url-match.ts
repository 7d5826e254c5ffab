/**
 * Matching a URL a request presents (a redirect_uri, a returnTo, an Origin) against the URLs an
 * application registered, as Auth0 matches them: scheme, host and port compared after URL
 * normalisation (so `HTTPS://App.example.com` equals `https://app.example.com`), path, query and
 * fragment byte for byte, and a registered `*` (validated by management/clients/urls.ts: once, in
 * the left-most host label) standing for one DNS label or part of one, never a dot.
 */
export function matchesRegisteredUrl(presented: string, registered: readonly string[] | undefined): boolean {
  const candidate = parse(presented);
  if (!candidate) return false;
  return (registered ?? []).some((entry) => urlMatches(candidate, entry));
}

/** An origin (`https://app.example.com:8443`) against registered origins, or the origins of registered URLs. */
export function matchesRegisteredOrigin(origin: string, registered: readonly string[] | undefined): boolean {
  const candidate = parse(origin);
  if (!candidate || origin.replace(/\/$/, '') !== candidate.origin) return false;
  return (registered ?? []).some((entry) => {
    const pattern = parse(entry.replace('*', WILDCARD));
    return pattern !== undefined && sameOrigin(candidate, pattern);
  });
}

const WILDCARD = 'wildcard0marker';

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function urlMatches(candidate: URL, entry: string): boolean {
  if (!entry.includes('*')) {
    const url = parse(entry);
    return url !== undefined && url.href === candidate.href;
  }
  const pattern = parse(entry.replace('*', WILDCARD));
  if (!pattern) return false;
  return sameOrigin(candidate, pattern) && pattern.pathname === candidate.pathname && pattern.search === candidate.search && pattern.hash === candidate.hash;
}

function sameOrigin(candidate: URL, pattern: URL): boolean {
  if (candidate.protocol !== pattern.protocol || candidate.port !== pattern.port) return false;
  if (!pattern.hostname.includes(WILDCARD)) return candidate.hostname === pattern.hostname;
  const [head, rest] = splitFirstLabel(pattern.hostname);
  const [candidateHead, candidateRest] = splitFirstLabel(candidate.hostname);
  if (rest !== candidateRest || rest === '') return false;
  const [prefix, suffix] = head.split(WILDCARD) as [string, string];
  return (
    candidateHead.length > prefix.length + suffix.length &&
    candidateHead.startsWith(prefix) &&
    candidateHead.endsWith(suffix) &&
    /^[a-z0-9-]+$/.test(candidateHead)
  );
}

function splitFirstLabel(hostname: string): [string, string] {
  const dot = hostname.indexOf('.');
  return dot < 0 ? [hostname, ''] : [hostname.slice(0, dot), hostname.slice(dot + 1)];
}
