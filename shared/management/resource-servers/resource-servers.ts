import * as repo from '#shared/db/resource-servers-repo';
import { listClientGrants } from '#shared/db/client-grants-repo';
import { ItemExistsError, ItemTooLargeError, WriteConflictError } from '#shared/db/errors';
import { tenantChanged } from '#shared/platform/cache';
import { managementAudience } from '#shared/platform/config';
import { newResourceServerId } from '#shared/platform/ids';
import {
  ResourceChangedError,
  ResourceServerConflictError,
  ResourceServerInvalidError,
  ResourceServerNotFoundError,
  SystemResourceServerError,
} from '#shared/management/errors';
import { apiFromRecord, isSystemApi, managementApi, userinfoAudience, type Api } from '#shared/tenant/resource-servers';
import {
  DEFAULT_TOKEN_LIFETIME,
  DEFAULT_TOKEN_LIFETIME_FOR_WEB,
  fitsIdentifierBytes,
  type CreateResourceServerBody,
  type ListResourceServersQuery,
  type UpdateResourceServerBody,
} from '#shared/management/resource-servers/schemas';

/**
 * /api/v2/resource-servers. Reads here are strongly consistent (a 409 or 404 is decided on the
 * table, not on a cache); every write calls tenantChanged() so this process's token endpoint
 * sees it at once, and warm functions elsewhere within TENANT_CACHE_TTL_MS.
 */
const RETRIES = 5;
const HEX_ID = /^[0-9a-f]{24}$/;

export async function createApi(body: CreateResourceServerBody): Promise<Api> {
  if (body.identifier === managementAudience) throw new ResourceServerConflictError();
  if (body.identifier === userinfoAudience) {
    throw new ResourceServerInvalidError('identifier', `${body.identifier} is the /userinfo audience and cannot be an API's identifier`);
  }
  const token_lifetime = body.token_lifetime ?? DEFAULT_TOKEN_LIFETIME;
  const record: repo.ResourceServerRecord = {
    id: newResourceServerId(),
    identifier: body.identifier,
    name: body.name ?? body.identifier,
    scopes: body.scopes ?? [],
    signing_alg: 'RS256',
    token_lifetime,
    token_lifetime_for_web: webLifetime(body.token_lifetime_for_web, token_lifetime),
    allow_offline_access: body.allow_offline_access ?? false,
    skip_consent_for_verifiable_first_party_clients: body.skip_consent_for_verifiable_first_party_clients ?? false,
    ...(body.enforce_policies !== undefined ? { enforce_policies: body.enforce_policies } : {}),
    ...(body.token_dialect !== undefined ? { token_dialect: body.token_dialect } : {}),
    created_at: new Date().toISOString(),
    revision: 1,
  };
  await repo.insertResourceServer(record).catch((error: unknown) => {
    if (error instanceof ItemExistsError) throw new ResourceServerConflictError();
    throw tooLarge(error);
  });
  tenantChanged();
  return apiFromRecord(record);
}

/**
 * `token_lifetime_for_web` may not exceed `token_lifetime`: refused when both are given, lowered
 * to it when only the latter is (Auth0's default of 7200 would otherwise refuse a short lifetime).
 */
function webLifetime(given: number | undefined, tokenLifetime: number, current = DEFAULT_TOKEN_LIFETIME_FOR_WEB): number {
  if (given === undefined) return Math.min(current, tokenLifetime);
  if (given > tokenLifetime) {
    throw new ResourceServerInvalidError('token_lifetime_for_web', `token_lifetime_for_web (${given}) must be less than or equal to token_lifetime (${tokenLifetime})`);
  }
  return given;
}

function tooLarge(error: unknown): unknown {
  if (error instanceof ItemTooLargeError) {
    return new ResourceServerInvalidError('scopes', 'The API is larger than this service can store (400 KB): use fewer or shorter scopes and descriptions');
  }
  return error;
}

/**
 * A stored API by id or by identifier: GET, PATCH and DELETE take either, as on Auth0. An
 * identifier wider than any that can be stored names no API: no table read (its key would be
 * over DynamoDB's limit).
 */
async function findRecord(idOrIdentifier: string): Promise<repo.ResourceServerRecord | undefined> {
  if (!fitsIdentifierBytes(idOrIdentifier)) return undefined;
  const byId = HEX_ID.test(idOrIdentifier) ? await repo.findResourceServer(idOrIdentifier) : undefined;
  return byId ?? repo.findResourceServerByIdentifier(idOrIdentifier);
}

export async function getApi(idOrIdentifier: string): Promise<Api> {
  if (isSystemApi(idOrIdentifier)) return managementApi();
  const record = await findRecord(idOrIdentifier);
  if (!record) throw new ResourceServerNotFoundError();
  return apiFromRecord(record);
}

export interface ApiPage {
  apis: Api[];
  total: number;
  start: number;
  limit: number;
}

/** The Management API first, then custom APIs by creation. Without page, per_page or include_totals: all. */
export async function listApis(query: ListResourceServersQuery, identifiers: readonly string[]): Promise<ApiPage> {
  const records = (await repo.listResourceServers()).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  const wanted = identifiers.length > 0 ? new Set(identifiers) : undefined;
  const all = [managementApi(), ...records.map(apiFromRecord)].filter((api) => !wanted || wanted.has(api.identifier));
  const paged = query.page !== undefined || query.per_page !== undefined || query.include_totals;
  if (!paged) return { apis: all, total: all.length, start: 0, limit: all.length };
  const limit = query.per_page ?? 50;
  const start = (query.page ?? 0) * limit;
  return { apis: all.slice(start, start + limit), total: all.length, start, limit };
}

export async function updateApi(id: string, body: UpdateResourceServerBody): Promise<Api> {
  if (isSystemApi(id)) throw new SystemResourceServerError('changed');
  for (let attempt = 1; ; attempt += 1) {
    const before = await findRecord(id);
    if (!before) throw new ResourceServerNotFoundError();
    const token_lifetime = body.token_lifetime ?? before.token_lifetime;
    const after: repo.ResourceServerRecord = {
      ...before,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.scopes !== undefined ? { scopes: body.scopes } : {}),
      ...(body.allow_offline_access !== undefined ? { allow_offline_access: body.allow_offline_access } : {}),
      ...(body.skip_consent_for_verifiable_first_party_clients !== undefined
        ? { skip_consent_for_verifiable_first_party_clients: body.skip_consent_for_verifiable_first_party_clients }
        : {}),
      ...(body.enforce_policies !== undefined ? { enforce_policies: body.enforce_policies } : {}),
      ...(body.token_dialect !== undefined ? { token_dialect: body.token_dialect } : {}),
      token_lifetime,
      token_lifetime_for_web: webLifetime(body.token_lifetime_for_web, token_lifetime, before.token_lifetime_for_web),
    };
    try {
      await repo.replaceResourceServer(before, after);
      tenantChanged();
      return apiFromRecord(after);
    } catch (error) {
      // A grant created for this API (or another PATCH) moved its revision: read again.
      if (!(error instanceof WriteConflictError)) throw tooLarge(error);
      if (attempt >= RETRIES) throw new ResourceChangedError();
    }
  }
}

/** Deletes the API and every client grant for it; an API already gone is a success (Auth0: 204). */
export async function deleteApi(id: string): Promise<void> {
  if (isSystemApi(id)) throw new SystemResourceServerError('deleted');
  for (let attempt = 1; ; attempt += 1) {
    const api = await findRecord(id);
    if (!api) return;
    const grants = (await listClientGrants()).filter((g) => g.audience === api.identifier);
    try {
      await repo.deleteResourceServerWithGrants(api, grants);
      tenantChanged();
      return;
    } catch (error) {
      // A grant was added after the listing: list again, so none outlives its API.
      if (!(error instanceof WriteConflictError)) throw error;
      if (attempt >= RETRIES) throw new ResourceChangedError();
    }
  }
}
