import { randomBytes } from 'node:crypto';
import {
  createConnectionItems,
  findConnectionById,
  listConnectionRecords,
  updateConnectionFields,
  type ConnectionChanges,
  type ConnectionOptions,
  type ConnectionRecord,
} from '#shared/db/connections-repo';
import { ConditionFailedError, ItemExistsError, ItemTooLargeError, WriteConflictError } from '#shared/db/errors';
import { tenantChanged } from '#shared/platform/cache';
import { newConnectionId } from '#shared/platform/ids';
import { parseBody } from '#shared/platform/validation';
import { DATABASE_STRATEGY } from '#shared/tenant/connections';
import { loadClient } from '#shared/tenant/clients';
import {
  ConnectionConflictError,
  ResourceChangedError,
  InexistentConnectionError,
  UnknownEnabledClientError,
  UnsupportedConnectionOptionError,
  UnsupportedStrategyError,
} from '#shared/management/errors';
import { CONFIGURATION_TOKEN_PREFIX } from '#shared/management/connections/model';
import { DatabaseOptionsBody, type CreateConnectionBody, type ListConnectionsQuery, type UpdateConnectionBody } from '#shared/management/connections/schemas';

/**
 * The Management API's connections (strategy `auth0` only). The hot-path record and its
 * directory item are written in one transaction on create; a PATCH sets only the fields it
 * names, on the live record (one conditional write). Every successful write calls
 * tenantChanged(), so signup and login in this process see it at once (elsewhere within
 * TENANT_CACHE_TTL_MS; a deletion at once everywhere: delete.ts).
 */

/**
 * Auth0's options for a new database connection (go-auth0 recordings), so a GET shows what
 * Auth0's would. We honour passwordPolicy and brute_force_protection; the rest is echoed.
 */
const NEW_DATABASE_OPTIONS: ConnectionOptions = {
  mfa: { active: true, return_enroll_settings: true },
  passwordPolicy: 'good',
  strategy_version: 2,
  brute_force_protection: true,
  authentication_methods: { password: { enabled: true }, passkey: { enabled: false } },
  passkey_options: { challenge_ui: 'both', progressive_enrollment_enabled: true, local_enrollment_enabled: true },
};

export async function createConnection(body: CreateConnectionBody): Promise<ConnectionRecord> {
  if (body.strategy !== DATABASE_STRATEGY) throw new UnsupportedStrategyError(body.strategy);
  const given = body.options === undefined ? {} : parseOptions(body.options);
  const { options, tokens } = withConfigurationTokens({ ...NEW_DATABASE_OPTIONS, ...given }, undefined);
  await assertClientsExist(body.enabled_clients ?? []);
  const record: ConnectionRecord = {
    id: newConnectionId(),
    name: body.name,
    strategy: DATABASE_STRATEGY,
    ...(body.display_name !== undefined ? { display_name: body.display_name } : {}),
    ...(body.show_as_button !== undefined ? { show_as_button: body.show_as_button } : {}),
    options,
    ...(tokens ? { configuration_tokens: tokens } : {}),
    enabled_clients: unique(body.enabled_clients ?? []),
    realms: body.realms ?? [body.name],
    is_domain_connection: body.is_domain_connection ?? false,
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
    revision: 0,
  };
  try {
    await createConnectionItems(record);
  } catch (error) {
    if (error instanceof ItemExistsError) throw new ConnectionConflictError();
    tooLarge(error);
  }
  tenantChanged();
  return record;
}

/** The body's options, checked as a database connection's (the schema could not know the strategy). */
function parseOptions(options: Record<string, unknown>): ConnectionOptions {
  const parsed = parseBody(DatabaseOptionsBody, { options }).options as ConnectionOptions;
  assertHonoured(parsed);
  return parsed;
}

/** Options Auth0 has that we would store but not enforce are refused rather than silently ignored. */
function assertHonoured(options: ConnectionOptions): void {
  if (options.password_history?.enable === true) {
    throw new UnsupportedConnectionOptionError(
      "Payload validation error: 'password_history is not supported here (no password hashes are kept); send {\"enable\": false} or leave it out' on property options.password_history.",
    );
  }
}

export async function getConnection(id: string): Promise<ConnectionRecord> {
  const record = await findConnectionById(id);
  if (!record) throw new InexistentConnectionError();
  return record;
}

export interface ConnectionPage {
  connections: ConnectionRecord[];
  total: number;
  start: number;
  limit: number;
}

/** Filters, then Auth0's paging (per_page defaults to 100, its maximum). Sorted by name, as Auth0 lists them. */
export async function listConnections(query: ListConnectionsQuery, strategies: string[]): Promise<ConnectionPage> {
  const all = await filtered(query, strategies);
  const limit = query.per_page ?? 100;
  const start = (query.page ?? 0) * limit;
  return { connections: all.slice(start, start + limit), total: all.length, start, limit };
}

/**
 * Auth0's checkpoint paging (`from`, `take`; take defaults to 50): `{connections, next}`, `next`
 * present while more follow. The checkpoint is opaque to callers: the last name given, encoded.
 */
export async function listConnectionsFrom(query: ListConnectionsQuery, strategies: string[]): Promise<{ connections: ConnectionRecord[]; next?: string }> {
  const after = query.from ? Buffer.from(query.from, 'base64url').toString('utf8') : undefined;
  const rest = (await filtered(query, strategies)).filter((c) => after === undefined || c.name > after);
  const take = query.take ?? 50;
  const connections = rest.slice(0, take);
  const last = connections.at(-1);
  return rest.length > take && last ? { connections, next: Buffer.from(last.name, 'utf8').toString('base64url') } : { connections };
}

async function filtered(query: ListConnectionsQuery, strategies: string[]): Promise<ConnectionRecord[]> {
  return (await listConnectionRecords())
    .filter((c) => strategies.length === 0 || strategies.includes(c.strategy))
    .filter((c) => query.name === undefined || c.name === query.name)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A PATCH computes its changes from a read (configuration tokens resolve against the stored
 * values) and writes them only if the connection's revision is still the one read; otherwise it
 * reads again and recomputes, up to RETRIES times, then answers 409. A configuration token that
 * was current on the first read but no longer is (another PATCH changed that value meanwhile) is
 * a 409 too: the caller's view is stale, and keeping either value would be a guess.
 */
const RETRIES = 5;

export async function updateConnection(id: string, body: UpdateConnectionBody): Promise<ConnectionRecord> {
  let firstKept: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const current = await getConnection(id);
    const { changes, kept } = await changesFor(body, current, attempt === 1);
    firstKept ??= kept;
    if (kept !== firstKept) throw new ResourceChangedError();
    if (Object.keys(changes).length === 0) return current;
    try {
      const updated = await updateConnectionFields(current, changes);
      tenantChanged();
      return updated;
    } catch (error) {
      if (error instanceof ConditionFailedError) throw new InexistentConnectionError();
      if (!(error instanceof WriteConflictError)) tooLarge(error);
      if (attempt >= RETRIES) throw new ResourceChangedError();
      await new Promise((resolve) => setTimeout(resolve, attempt * 20 * Math.random()));
    }
  }
}

/** The fields the PATCH sets, and which configuration keys it keeps by token (sorted, joined). */
async function changesFor(body: UpdateConnectionBody, current: ConnectionRecord, firstAttempt: boolean): Promise<{ changes: ConnectionChanges; kept: string }> {
  const changes: ConnectionChanges = {};
  let kept = '';
  if (body.options !== undefined) {
    // A PATCH carrying options replaces the whole object, as on Auth0 (null empties it).
    const given = (body.options ?? {}) as ConnectionOptions;
    assertHonoured(given);
    const resolved = withConfigurationTokens(given, current);
    changes.options = resolved.options;
    changes.configuration_tokens = resolved.tokens ?? {};
    kept = resolved.kept.sort().join('\u0000');
  }
  if (body.enabled_clients !== undefined) {
    if (firstAttempt) await assertClientsExist(body.enabled_clients);
    changes.enabled_clients = unique(body.enabled_clients);
  }
  if (body.display_name !== undefined) changes.display_name = body.display_name;
  if (body.show_as_button !== undefined) changes.show_as_button = body.show_as_button;
  if (body.is_domain_connection !== undefined) changes.is_domain_connection = body.is_domain_connection;
  if (body.realms !== undefined) changes.realms = body.realms;
  if (body.metadata !== undefined) changes.metadata = body.metadata ?? {};
  return { changes, kept };
}

/**
 * Gives each configuration value its token: a value sent back as the token it was shown as keeps
 * the stored value (and its token); a new value gets a new random token.
 */
function withConfigurationTokens(
  options: ConnectionOptions,
  current: ConnectionRecord | undefined,
): { options: ConnectionOptions; tokens?: Record<string, string>; kept: string[] } {
  const configuration = options.configuration as Record<string, string> | undefined;
  if (!configuration) return { options, kept: [] };
  const stored = (current?.options.configuration ?? {}) as Record<string, string>;
  const storedTokens = current?.configuration_tokens ?? {};
  const values: Record<string, string> = Object.create(null);
  const tokens: Record<string, string> = Object.create(null);
  const keptKeys: string[] = [];
  for (const [key, value] of Object.entries(configuration)) {
    const kept = storedTokens[key] !== undefined && value === storedTokens[key] && Object.hasOwn(stored, key);
    values[key] = kept ? stored[key]! : value;
    tokens[key] = kept ? storedTokens[key]! : newConfigurationToken();
    if (kept) keptKeys.push(key);
  }
  return { options: { ...options, configuration: { ...values } }, tokens: { ...tokens }, kept: keptKeys };
}

const newConfigurationToken = () => `${CONFIGURATION_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;

/** Each id read through the clients cache, 20 at a time; the first unknown one is named. */
async function assertClientsExist(clientIds: readonly string[]): Promise<void> {
  const ids = unique(clientIds);
  for (let i = 0; i < ids.length; i += 20) {
    const chunk = ids.slice(i, i + 20);
    const found = await Promise.all(chunk.map((id) => loadClient(id)));
    const missing = chunk.find((_, j) => !found[j]);
    if (missing !== undefined) throw new UnknownEnabledClientError(missing);
  }
}

/** DynamoDB's 400 KB item limit, reached by options and enabled_clients together. */
function tooLarge(error: unknown): never {
  if (error instanceof ItemTooLargeError) {
    throw new UnsupportedConnectionOptionError("Payload validation error: 'The connection would be larger than DynamoDB allows (400 KB)'.");
  }
  throw error;
}

const unique = (values: readonly string[]) => [...new Set(values)];
