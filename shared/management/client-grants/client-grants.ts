import * as repo from '#shared/db/client-grants-repo';
import { ConditionFailedError, WriteConflictError } from '#shared/db/errors';
import { findResourceServerByIdentifier } from '#shared/db/resource-servers-repo';
import { tenantChanged } from '#shared/platform/cache';
import { managementAudience } from '#shared/platform/config';
import { newClientGrantId } from '#shared/platform/ids';
import {
  ClientGrantConflictError,
  ClientGrantNotFoundError,
  ClientGrantUndefinedScopeError,
  ClientGrantUnknownAudienceError,
  ClientGrantUnknownClientError,
  ResourceChangedError,
} from '#shared/management/errors';
import { apiFromRecord, managementApi, type Api } from '#shared/tenant/resource-servers';
import type { CreateClientGrantBody, ListClientGrantsQuery, UpdateClientGrantBody } from '#shared/management/client-grants/schemas';

/**
 * /api/v2/client-grants. A grant's two items (hot path and directory) are written in one
 * transaction with a check that its client exists and, for a custom API, that the API exists
 * (whose revision moves, so deleting the API cannot miss a grant made meanwhile).
 */

/** The API of `audience`, read from the table (not the cache): a 404 is decided on current data. */
async function apiOf(audience: string): Promise<{ api: Api; storedId?: string } | undefined> {
  if (audience === managementAudience) return { api: managementApi() };
  const record = await findResourceServerByIdentifier(audience);
  return record ? { api: apiFromRecord(record), storedId: record.id } : undefined;
}

function assertDefined(api: Api, scope: readonly string[]): void {
  const defined = new Set(api.scopes.map((s) => s.value));
  const undefinedScopes = scope.filter((s) => !defined.has(s));
  if (undefinedScopes.length > 0) throw new ClientGrantUndefinedScopeError(api.identifier, undefinedScopes.slice(0, 10));
}

export async function createGrant(body: CreateClientGrantBody): Promise<repo.StoredClientGrant> {
  // The client's existence and the pair's uniqueness are decided by the transaction itself (strongly).
  const found = await apiOf(body.audience);
  if (!found) throw new ClientGrantUnknownAudienceError(body.audience);
  const scope = [...new Set(body.scope)];
  assertDefined(found.api, scope);
  const grant: repo.StoredClientGrant = {
    id: newClientGrantId(),
    client_id: body.client_id,
    audience: body.audience,
    scope,
    ...(body.subject_type ? { subject_type: body.subject_type } : {}),
    created_at: new Date().toISOString(),
  };
  try {
    await insertRetrying(grant, found.storedId);
  } catch (error) {
    if (!(error instanceof repo.GrantRefusedError)) throw error instanceof WriteConflictError ? new ResourceChangedError() : error;
    if (error.reason === 'client_missing') throw new ClientGrantUnknownClientError();
    if (error.reason === 'api_missing') throw new ClientGrantUnknownAudienceError(body.audience);
    throw new ClientGrantConflictError(body.client_id, body.audience);
  }
  tenantChanged();
  return grant;
}

/** Grants for one API made at once meet on the API's revision: DynamoDB cancels one, which tries again. */
async function insertRetrying(grant: repo.StoredClientGrant, apiId: string | undefined): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await repo.insertClientGrant(grant, apiId);
    } catch (error) {
      if (!(error instanceof WriteConflictError) || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 20 * Math.random()));
    }
  }
}

export async function getGrant(id: string): Promise<repo.StoredClientGrant> {
  const grant = await repo.findClientGrant(id);
  if (!grant) throw new ClientGrantNotFoundError();
  return grant;
}

export interface GrantPage {
  grants: repo.StoredClientGrant[];
  total: number;
  start: number;
  limit: number;
  /** Checkpoint paging (`from`/`take`): the id the next page starts from. */
  next?: string;
}

/**
 * Grants in id order, filtered. Three shapes, as on Auth0: every grant (no paging parameter),
 * page/per_page (offset), or from/take (checkpoint, answering `next`).
 */
export async function listGrants(query: ListClientGrantsQuery): Promise<GrantPage> {
  const all = (await repo.listClientGrants()).filter(
    (g) =>
      (query.audience === undefined || g.audience === query.audience) &&
      (query.client_id === undefined || g.client_id === query.client_id) &&
      (query.subject_type === undefined || (g.subject_type ?? 'client') === query.subject_type) &&
      // No grant here belongs to organizations: allow_any_organization=true matches none.
      query.allow_any_organization !== true,
  );
  if (query.from !== undefined || query.take !== undefined) {
    const limit = query.take ?? 50;
    const from = query.from;
    const start = from === undefined ? 0 : all.findIndex((g) => g.id >= from);
    const begin = start < 0 ? all.length : start;
    const grants = all.slice(begin, begin + limit);
    const next = all[begin + limit]?.id;
    return { grants, total: all.length, start: begin, limit, ...(next ? { next } : {}) };
  }
  const paged = query.page !== undefined || query.per_page !== undefined || query.include_totals;
  if (!paged) return { grants: all, total: all.length, start: 0, limit: all.length };
  const limit = query.per_page ?? 50;
  const start = (query.page ?? 0) * limit;
  return { grants: all.slice(start, start + limit), total: all.length, start, limit };
}

export async function updateGrant(id: string, body: UpdateClientGrantBody): Promise<repo.StoredClientGrant> {
  const grant = await getGrant(id);
  if (body.scope === undefined) return grant;
  const found = await apiOf(grant.audience);
  // The API went (its grants go with it): this grant is on its way out.
  if (!found) throw new ClientGrantNotFoundError();
  const scope = [...new Set(body.scope)];
  assertDefined(found.api, scope);
  try {
    await repo.setClientGrantScope(grant, scope);
  } catch (error) {
    if (error instanceof ConditionFailedError) throw new ClientGrantNotFoundError();
    throw error instanceof WriteConflictError ? new ResourceChangedError() : error;
  }
  tenantChanged();
  return { ...grant, scope };
}

/** Deleting a grant already gone is a success (Auth0: 204). */
export async function deleteGrant(id: string): Promise<void> {
  const grant = await repo.findClientGrant(id);
  if (!grant) return;
  await repo.deleteClientGrant(grant);
  tenantChanged();
}
