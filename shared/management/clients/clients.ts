import {
  deleteClientItems,
  findClientRecord,
  listClientRecords,
  replaceClient,
  type ClientRecord,
  type ClientRefreshToken,
} from '#shared/db/clients-repo';
import { ConditionFailedError, WriteConflictError } from '#shared/db/errors';
import { tenantChanged } from '#shared/platform/cache';
import { newClientId, newClientSecret } from '#shared/platform/ids';
import { hashClientSecret, storeNewClient } from '#shared/tenant/clients';
import { ClientChangedError, ClientIdNotAllowedError, ClientNotFoundError, InvalidClientFieldError } from '#shared/management/errors';
import { removeClientFromConnections } from '#shared/management/connections/enabled-clients';
import { MAX_METADATA_KEYS, type CreateClientBody, type ListClientsQuery, type UpdateClientBody } from '#shared/management/clients/schemas';

/**
 * The Management API's applications. A client is two items (hot path and directory) written
 * together; grants live in its partition (client-grants area). Every successful write calls
 * tenantChanged(), so the token endpoint in this process sees it at once (elsewhere within
 * TENANT_CACHE_TTL_MS): a rotated secret retires the old one at once here, within 30 s in AWS.
 */

/** Auth0's defaults for a client created with a name only (go-auth0 recordings). */
const DEFAULT_GRANT_TYPES = ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'];
const DEFAULT_REFRESH_TOKEN: ClientRefreshToken = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 2_592_000,
  idle_token_lifetime: 1_296_000,
  infinite_token_lifetime: true,
  infinite_idle_token_lifetime: true,
};
const DEFAULT_ID_TOKEN_LIFETIME = 36_000;

export interface ClientWithSecret {
  client: ClientRecord;
  /** Only where it was made or set by this request. */
  secret?: string;
}

export async function createManagedClient(body: CreateClientBody): Promise<ClientWithSecret> {
  if (body.client_id !== undefined) throw new ClientIdNotAllowedError();
  if (body.client_secret !== undefined) throw new InvalidClientFieldError('client_secret', 'A client secret is made by the service on create; set a custom one with PATCH');
  const secret = newClientSecret();
  const now = new Date().toISOString();
  const { jwt_configuration, refresh_token, client_metadata, client_id: _id, client_secret: _secret, ...rest } = body;
  const client: ClientRecord = {
    ...rest,
    client_id: newClientId(),
    name: body.name,
    grant_types: body.grant_types ?? DEFAULT_GRANT_TYPES,
    client_secret_hash: hashClientSecret(secret),
    is_first_party: body.is_first_party ?? true,
    oidc_conformant: body.oidc_conformant ?? false,
    sso_disabled: body.sso_disabled ?? false,
    cross_origin_authentication: body.cross_origin_authentication ?? false,
    custom_login_page_on: body.custom_login_page_on ?? true,
    is_token_endpoint_ip_header_trusted: body.is_token_endpoint_ip_header_trusted ?? false,
    jwt_configuration: {
      secret_encoded: jwt_configuration?.secret_encoded ?? false,
      // Auth0 omits the lifetime when alg is sent (recordings); we keep the lifetime either way.
      lifetime_in_seconds: jwt_configuration?.lifetime_in_seconds ?? DEFAULT_ID_TOKEN_LIFETIME,
      ...(jwt_configuration?.alg !== undefined ? { alg: jwt_configuration.alg } : {}),
    },
    refresh_token: refreshTokenSettings(undefined, refresh_token),
    ...(client_metadata !== undefined ? { client_metadata: mergedMetadata(undefined, client_metadata) } : {}),
    created_at: now,
    revision: 0,
  };
  await withConflictAnswer(() => storeNewClient(client, []));
  return { client, secret };
}

export async function getClient(id: string): Promise<ClientRecord> {
  const client = await findClientRecord(id);
  if (!client) throw new ClientNotFoundError();
  return client;
}

export interface ClientPage {
  clients: ClientRecord[];
  total: number;
  start: number;
  limit: number;
}

/** Filters, then Auth0's paging (per_page defaults to 50, at most 100), in creation order. */
export async function listClients(query: ListClientsQuery): Promise<ClientPage> {
  const all = (await listClientRecords())
    .filter((c) => query.is_global !== true)
    .filter((c) => query.is_first_party === undefined || c.is_first_party === query.is_first_party)
    .filter((c) => query.app_type === undefined || query.app_type.length === 0 || (c.app_type !== undefined && query.app_type.includes(c.app_type)))
    .filter((c) => query.client_ids === undefined || query.client_ids.includes(c.client_id))
    .sort((a, b) => (a.created_at === b.created_at ? (a.client_id < b.client_id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1));
  const limit = query.per_page ?? 50;
  const start = (query.page ?? 0) * limit;
  return { clients: all.slice(start, start + limit), total: all.length, start, limit };
}

/**
 * Applies the PATCH to the record as read, written on the condition that no one changed it
 * meanwhile (its revision); a lost race reads again and re-applies, up to a few times.
 */
export async function updateClient(id: string, body: UpdateClientBody): Promise<ClientWithSecret> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const current = await getClient(id);
    const { secret, next } = patched(current, body);
    if (!secret && Object.keys(body).length === 0) return { client: current };
    try {
      await replaceClient(next, current.revision);
      tenantChanged();
      return { client: next, ...(secret ? { secret } : {}) };
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new ClientChangedError();
}

function patched(current: ClientRecord, body: UpdateClientBody): { next: ClientRecord; secret?: string } {
  const { jwt_configuration, refresh_token, client_metadata, client_secret, description, logo_uri, cross_origin_loc, ...rest } = body;
  const next: ClientRecord = { ...current, ...definedOnly(rest), updated_at: new Date().toISOString(), revision: (current.revision ?? 0) + 1 };
  if (description === null) delete next.description;
  else if (description !== undefined) next.description = description;
  if (logo_uri === null) delete next.logo_uri;
  else if (logo_uri !== undefined) next.logo_uri = logo_uri;
  if (cross_origin_loc === null) delete next.cross_origin_loc;
  else if (cross_origin_loc !== undefined) next.cross_origin_loc = cross_origin_loc;
  if (jwt_configuration !== undefined) next.jwt_configuration = { ...current.jwt_configuration, ...definedOnly(jwt_configuration) };
  if (refresh_token !== undefined) next.refresh_token = refreshTokenSettings(current.refresh_token, refresh_token);
  if (client_metadata === null) delete next.client_metadata;
  else if (client_metadata !== undefined) next.client_metadata = mergedMetadata(current.client_metadata, client_metadata);
  if (client_secret !== undefined) next.client_secret_hash = hashClientSecret(client_secret);
  return { next, ...(client_secret !== undefined ? { secret: client_secret } : {}) };
}

/** A new secret; the old one stops working at once in this process (tenantChanged) and within TENANT_CACHE_TTL_MS elsewhere. */
export async function rotateClientSecret(id: string): Promise<ClientWithSecret> {
  const secret = newClientSecret();
  for (let attempt = 1; attempt <= 5; attempt++) {
    const current = await getClient(id);
    const next: ClientRecord = { ...current, client_secret_hash: hashClientSecret(secret), updated_at: new Date().toISOString(), revision: (current.revision ?? 0) + 1 };
    try {
      await replaceClient(next, current.revision);
      tenantChanged();
      return { client: next, secret };
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new ClientChangedError();
}

/**
 * Deletes the client with its grants (one transaction), then takes it off every connection's
 * list. A 204 either way, as Auth0 answers a repeated DELETE. If the second step fails, a stale
 * id stays on a list: harmless, as no client of that id exists to log in (the next DELETE of the
 * same id finishes the job).
 */
export async function deleteClient(id: string): Promise<void> {
  await withConflictAnswer(() => deleteClientItems(id));
  tenantChanged();
  await removeClientFromConnections(id);
  tenantChanged();
}

/** Auth0's refresh_token settings: the stored (or default) ones with the given fields over them. */
function refreshTokenSettings(current: ClientRefreshToken | undefined, given: Partial<ClientRefreshToken> | undefined): ClientRefreshToken {
  const base = current ?? DEFAULT_REFRESH_TOKEN;
  const expiring = (given?.expiration_type ?? base.expiration_type) === 'expiring';
  const becameExpiring = given?.expiration_type === 'expiring' && base.expiration_type !== 'expiring';
  const out: ClientRefreshToken = {
    ...base,
    ...definedOnly(given ?? {}),
    // Auth0: `expiration_type: expiring` turns both infinite_* off unless the body says otherwise.
    ...(becameExpiring
      ? { infinite_token_lifetime: given?.infinite_token_lifetime ?? false, infinite_idle_token_lifetime: given?.infinite_idle_token_lifetime ?? false }
      : {}),
  };
  if (expiring && !out.infinite_token_lifetime && !out.infinite_idle_token_lifetime && out.idle_token_lifetime > out.token_lifetime) {
    throw new InvalidClientFieldError('refresh_token.idle_token_lifetime', 'idle_token_lifetime must not be greater than token_lifetime');
  }
  return out;
}

/** First-level merge; a null value deletes its key (Terraform sends null for a removed key). At most 10 keys. */
function mergedMetadata(current: Record<string, string> | undefined, given: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(current ?? {})) out[key] = value;
  for (const [key, value] of Object.entries(given)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  const count = Object.keys(out).length;
  if (count > MAX_METADATA_KEYS) throw new InvalidClientFieldError('client_metadata', `Too many properties defined (${count}), maximum ${MAX_METADATA_KEYS}`);
  return { ...out };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function withConflictAnswer<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof WriteConflictError) throw new ClientChangedError();
    throw error;
  }
}
