import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { listClientRecords, type ClientRecord } from '#shared/db/clients-repo';
import { matchesRegisteredOrigin } from '#shared/tenant/url-match';

/**
 * Browser origins the tenant's applications allow for CORS: each application's `web_origins`,
 * `allowed_origins`, and the origins of its `callbacks` (Auth0 allows an application's callback
 * origins by default). A CORS preflight carries no client_id, so it asks whether ANY application
 * allows the origin: a set built from the client directory (one Query per MB), cached like every
 * tenant configuration and cleared by tenantChanged().
 */
interface AllowedOrigins {
  /** Exact origins (`https://app.example.com:8443`), as URL normalises them. */
  exact: Set<string>;
  /** Registered entries with a `*` label, matched one by one. */
  wildcards: string[];
}

/** The entries of one application that may name a browser origin. */
const originEntries = (client: ClientRecord) => [...(client.web_origins ?? []), ...(client.allowed_origins ?? []), ...(client.callbacks ?? [])];

/** Whether this application allows the origin (POST /oauth/token names its client). */
export const clientAllowsOrigin = (client: ClientRecord, origin: string) => matchesRegisteredOrigin(origin, originEntries(client));

/** Whether any application allows the origin (a preflight, or a request whose client is unknown). */
export async function anyClientAllowsOrigin(origin: string): Promise<boolean> {
  const allowed = await allowedOrigins('all');
  if (!allowed) return false;
  if (allowed.exact.has(origin)) return true;
  return allowed.wildcards.length > 0 && matchesRegisteredOrigin(origin, allowed.wildcards);
}

const allowedOrigins = tenantCache(ttlCache<AllowedOrigins>(TENANT_CACHE_TTL_MS, 1, async () => build(await listClientRecords())));

function build(clients: readonly ClientRecord[]): AllowedOrigins {
  const exact = new Set<string>();
  const wildcards: string[] = [];
  for (const entry of clients.flatMap(originEntries)) {
    if (entry.includes('*')) {
      wildcards.push(entry);
      continue;
    }
    const origin = originOf(entry);
    if (origin) exact.add(origin);
  }
  return { exact, wildcards };
}

function originOf(entry: string): string | undefined {
  try {
    const { origin } = new URL(entry);
    return origin === 'null' ? undefined : origin; // custom schemes (native callbacks) have no web origin
  } catch {
    return undefined;
  }
}
