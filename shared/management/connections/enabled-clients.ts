import * as z from 'zod';
import { findClientRecord } from '#shared/db/clients-repo';
import {
  findConnectionRef,
  listLiveConnectionRefs,
  readEnabledClients,
  replaceEnabledClients,
  type ConnectionRef,
  type EnabledClients,
} from '#shared/db/enabled-clients-repo';
import { ConditionFailedError } from '#shared/db/errors';
import { tenantChanged } from '#shared/platform/cache';
import { InvalidQueryError } from '#shared/platform/errors';
import { ClientChangedError, EnabledClientNotFoundError, InexistentConnectionError, InvalidClientFieldError } from '#shared/management/errors';
import { MAX_ENABLED_CLIENTS } from '#shared/management/connections/schemas';

/**
 * Which applications may use a connection: Auth0's GET/PATCH /api/v2/connections/{id}/clients
 * over the connection's `enabled_clients` (written whole by the connections area's create and
 * PATCH, changed entry by entry here). Each change is a conditional read-modify-write of the
 * list, retried when another writer got there first, so no change is lost.
 */

/** Auth0 takes at most 50 changes per PATCH. */
export const MAX_CHANGES = 50;
const MAX_ATTEMPTS = 10;

const clientId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, { error: (i) => `String does not match pattern ^[A-Za-z0-9_-]+$: ${String(i.input).slice(0, 80)}` });

export const ConnectionClientsChanges = z
  .array(
    z.object({
      client_id: clientId.describe('The client_id of the client to be the subject to change status'),
      status: z.boolean().describe('Whether the connection is enabled or not for this client_id'),
    }).strict(),
  )
  .min(1)
  .max(MAX_CHANGES);
export type ConnectionClientsChanges = z.output<typeof ConnectionClientsChanges>;

export const ConnectionClientsQuery = z
  .object({
    take: z.coerce.number().int().min(1).max(100).optional().describe('Number of results per page. Defaults to 50.'),
    from: z.string().max(100).optional().describe('Optional Id from which to start selection.'),
  })
  .strict();
export type ConnectionClientsQuery = z.output<typeof ConnectionClientsQuery>;

export interface ConnectionClientsPage {
  clients: { client_id: string }[];
  next?: string;
}

async function liveConnection(id: string): Promise<EnabledClients> {
  const ref = await findConnectionRef(id);
  const current = ref ? await readEnabledClients(ref) : undefined;
  if (!current) throw new InexistentConnectionError();
  return current;
}

/** A page of the list in its stored order; `next` (an opaque checkpoint) while more remain. */
export async function getConnectionClients(id: string, query: ConnectionClientsQuery): Promise<ConnectionClientsPage> {
  const { enabled_clients } = await liveConnection(id);
  const start = query.from === undefined ? 0 : offsetOf(query.from);
  const take = query.take ?? 50;
  const page = enabled_clients.slice(start, start + take).map((client_id) => ({ client_id }));
  const end = start + page.length;
  return { clients: page, ...(end < enabled_clients.length ? { next: checkpoint(end) } : {}) };
}

const checkpoint = (offset: number) => Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
function offsetOf(from: string): number {
  const match = /^o:(\d{1,7})$/.exec(Buffer.from(from, 'base64url').toString('utf8'));
  if (!match) throw new InvalidQueryError("'Invalid checkpoint' on property from (Optional Id from which to start selection).");
  return Number(match[1]);
}

/**
 * Applies the changes in order (a later entry for the same client wins). Enabling needs the
 * client to exist; disabling an unknown one is a no-op, so a repeated PATCH answers the same.
 */
export async function updateConnectionClients(id: string, changes: ConnectionClientsChanges): Promise<void> {
  const wanted = new Map(changes.map((c) => [c.client_id, c.status]));
  for (const [client, enabled] of wanted) {
    if (enabled && !(await findClientRecord(client))) throw new EnabledClientNotFoundError(client);
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await liveConnection(id);
    const next = current.enabled_clients.filter((c) => wanted.get(c) !== false);
    for (const [client, enabled] of wanted) if (enabled && !next.includes(client)) next.push(client);
    if (sameList(next, current.enabled_clients)) return;
    if (next.length > MAX_ENABLED_CLIENTS) throw new InvalidClientFieldError('client_id', `A connection may be enabled for at most ${MAX_ENABLED_CLIENTS} clients`);
    try {
      await replaceEnabledClients(current, next);
      tenantChanged();
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new ClientChangedError();
}

/** A deleted client leaves every connection's list (after its own deletion; a stale id is harmless). */
export async function removeClientFromConnections(clientId: string): Promise<void> {
  const refs = await listLiveConnectionRefs();
  for (const ref of refs) await removeFrom(ref, clientId);
}

async function removeFrom(ref: ConnectionRef, clientId: string): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await readEnabledClients(ref);
    if (!current || !current.enabled_clients.includes(clientId)) return;
    try {
      await replaceEnabledClients(current, current.enabled_clients.filter((c) => c !== clientId));
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new ClientChangedError();
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
