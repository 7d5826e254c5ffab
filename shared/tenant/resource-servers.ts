import { createHash } from 'node:crypto';
import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { config, managementAudience } from '#shared/platform/config';
import { listResourceServers, type ResourceServerRecord } from '#shared/db/resource-servers-repo';
import { MANAGEMENT_SCOPES } from '#shared/tenant/scopes';

/**
 * The tenant's APIs as the token endpoint reads them: the Management API (a system API, never
 * stored: it follows the issuer and the scope catalogue) and the custom APIs, all loaded with one
 * Query of the RESOURCE_SERVERS partition and kept TENANT_CACHE_TTL_MS per warm function (at
 * once in this process: tenantChanged).
 */
export interface Api {
  id: string;
  identifier: string;
  name: string;
  scopes: { value: string; description?: string }[];
  signing_alg: 'RS256';
  token_lifetime: number;
  token_lifetime_for_web: number;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  is_system?: true;
  enforce_policies?: boolean;
  token_dialect?: string;
}

/** /userinfo's audience: every login token with `openid` carries it; no API may take it. */
export const userinfoAudience = `${config.ISSUER}userinfo`;

/** Auth0's system API has a 24-hex id like any API; ours is derived from its identifier, so it is stable. */
const systemApiId = createHash('sha256').update(managementAudience).digest('hex').slice(0, 24);

/** The Management API as a system API (a fresh copy: callers may not change the shared one). */
export function managementApi(): Api {
  return { ...systemApi, scopes: systemApi.scopes.map((s) => ({ ...s })) };
}

const systemApi: Api = buildManagementApi();

function buildManagementApi(): Api {
  return {
    id: systemApiId,
    name: 'Auth0 Management API',
    identifier: managementAudience,
    is_system: true,
    scopes: MANAGEMENT_SCOPES.map((value) => ({ value, description: scopeDescription(value) })),
    signing_alg: 'RS256',
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
    token_lifetime: config.ACCESS_TOKEN_TTL_SECONDS,
    token_lifetime_for_web: Math.min(7200, config.ACCESS_TOKEN_TTL_SECONDS),
  };
}

/** Auth0 describes its Management scopes as "Read Users", "Update Client Grants", … */
function scopeDescription(scope: string): string {
  const [verb = '', resource = ''] = scope.split(':');
  const words = [verb, ...resource.split('_')].filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
}

export const isSystemApi = (idOrIdentifier: string) => idOrIdentifier === systemApiId || idOrIdentifier === managementAudience;

export function apiFromRecord(record: ResourceServerRecord): Api {
  const { created_at: _created, revision: _revision, ...api } = record;
  return api;
}

const customApis = tenantCache(
  ttlCache<Map<string, Api>>(TENANT_CACHE_TTL_MS, 1, async () => {
    const records = await listResourceServers();
    return new Map(records.map((r) => [r.identifier, apiFromRecord(r)]));
  }),
);

/** The API whose identifier is `audience`, or undefined: no table read while the cache is warm. */
export async function apiByAudience(audience: string): Promise<Readonly<Api> | undefined> {
  if (audience === managementAudience) return systemApi;
  return (await customApis('all'))?.get(audience);
}

/** The scopes an API defines. */
export const apiScopes = (api: Api): Set<string> => new Set(api.scopes.map((s) => s.value));
