import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '#shared/db/client';
import { connectionKey } from '#shared/db/keys';
import { listLiveConnectionRefs, readEnabledClients } from '#shared/db/enabled-clients-repo';
import { call, observeRequests } from '#test/support/api';
import type { RequestRecord } from '#shared/http/handler';

/**
 * A new application is enabled on every connection. Beyond the transaction's share (60
 * connections), the remainder is written first, one conditional write each, and the transaction
 * that makes the client exist comes last: a fault (or a crash) part way leaves no client enabled
 * on only some connections. A fault is made to land in the remainder by a middleware.
 */
const MIDDLEWARE = 'testEnableFault';
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

beforeAll(async () => {
  const have = (await listLiveConnectionRefs()).length;
  for (let i = have; i < 64; i++) {
    const res = await call('connections-create', { scopes: ['create:connections'], body: { name: unique('many'), strategy: 'auth0' } });
    expect(res.status, res.text).toBe(201);
  }
}, 120_000);

afterEach(() => {
  db.middlewareStack.remove(MIDDLEWARE);
});

const create = (name: string) =>
  call('clients-create', { scopes: ['create:clients'], body: { name, app_type: 'regular_web', grant_types: ['authorization_code'] } });

async function lists(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const ref of await listLiveConnectionRefs()) out.set(ref.name, (await readEnabledClients(ref))?.enabled_clients ?? []);
  return out;
}
const clientIds = async () => ((await call('clients-list', { scopes: ['read:clients'], query: { per_page: '100' } })).body as { client_id: string }[]).map((c) => c.client_id);

describe('a new application on more connections than its transaction holds', () => {
  it('is enabled on every one of them; the remainder is written before the transaction', async () => {
    // A write before clears every tenant cache (tenantChanged), the token verifier's keys included: reload them first.
    await call('clients-get', { scopes: ['read:clients'], params: { id: 'warm-up' } });
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await create('on all');
    stop();
    expect(res.status, res.text).toBe(201);
    for (const [name, ids] of await lists()) expect(ids, name).toContain(res.body.client_id);
    const commands = seen.flatMap((r) => r.db.commands);
    const remainder = (await listLiveConnectionRefs()).length - 60;
    expect(commands).toEqual(['Query', ...Array.from({ length: remainder }, () => ['GetItem', 'UpdateItem']).flat(), 'TransactWriteItems']);
  });

  it('a fault part way leaves no application enabled on only some connections, and no id of one that does not exist', async () => {
    let updates = 0;
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: { pk?: unknown } }).Key;
        const onConnection = typeof key?.pk === 'string' && key.pk.startsWith(connectionKey('x').pk.slice(0, -1));
        if (context.commandName === 'UpdateItemCommand' && onConnection && ++updates === 3) throw new Error('injected fault');
        return next(args);
      },
      { step: 'initialize', name: MIDDLEWARE },
    );
    const res = await create('faulted');
    db.middlewareStack.remove(MIDDLEWARE);
    expect(res.status).toBe(500);

    const clients = await clientIds();
    const all = await lists();
    for (const id of clients) {
      const missing = [...all].filter(([, ids]) => !ids.includes(id)).map(([name]) => name);
      expect(missing, `client ${id}`).toEqual([]);
    }
    for (const [name, ids] of all) expect(ids.filter((id) => !clients.includes(id)), name).toEqual([]);
    // And the next creation still goes through.
    expect((await create('after the fault')).status).toBe(201);
  });

  it('creations racing for the same lists each end enabled on every connection, once', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, (_, i) => create(`race ${i}`)));
    for (const res of made) expect(res.status, res.text).toBe(201);
    for (const [name, ids] of await lists()) {
      for (const res of made) expect(ids.filter((id) => id === res.body.client_id), name).toEqual([res.body.client_id]);
    }
  });
});
