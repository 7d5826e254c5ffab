import { afterEach, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { connectionKey } from '#shared/db/keys';
import { call } from '#test/support/api';
import { seedApplication } from '#test/support/logins';

/**
 * A connection PATCH writes only if the connection's revision is still the one it read: another
 * write between its read and its write (a PATCH, the enabled-clients relation) makes it read
 * again, or answer 409 when the caller's configuration tokens went stale. The other write is made
 * to land exactly there: a middleware runs it just before the PATCH's UpdateItem is sent.
 */
const ALL = ['create:connections', 'read:connections', 'update:connections'];
const MIDDLEWARE = 'testPatchInterloper';
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** Runs `interloper` once, before the first UpdateItem on the connection `name`'s hot-path item. */
function interposeBefore(name: string, interloper: () => Promise<void>): { updates: () => number } {
  let armed = true;
  let updates = 0;
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: { pk?: unknown } }).Key;
      if (context.commandName === 'UpdateItemCommand' && key?.pk === connectionKey(name).pk) {
        updates += 1;
        if (armed) {
          armed = false;
          await interloper();
        }
      }
      return next(args);
    },
    { step: 'initialize', name: MIDDLEWARE },
  );
  return { updates: () => updates };
}

afterEach(() => {
  db.middlewareStack.remove(MIDDLEWARE);
});

async function connectionWith(options: Record<string, unknown>) {
  const name = unique('race');
  const res = await call('connections-create', { scopes: ALL, body: { name, strategy: 'auth0', options } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id as string, name, options: res.body.options as Record<string, any> };
}

const stored = async (name: string) => (await db.send(new GetCommand({ TableName: tableName, Key: connectionKey(name), ConsistentRead: true }))).Item!;

describe('PATCH /api/v2/connections/{id} against a concurrent write', () => {
  it('does not restore a configuration value another PATCH changed meanwhile: 409, the newer value kept', async () => {
    const conn = await connectionWith({ configuration: { API_KEY: 'v1-secret' } });
    const token = conn.options.configuration.API_KEY as string;
    interposeBefore(conn.name, async () => {
      const other = await call('connections-update', { scopes: ALL, params: { id: conn.id }, body: { options: { configuration: { API_KEY: 'v2-secret' } } } });
      expect(other.status, other.text).toBe(200);
    });
    const res = await call('connections-update', {
      scopes: ALL,
      params: { id: conn.id },
      body: { options: { configuration: { API_KEY: token }, brute_force_protection: false } },
    });
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'The resource was changed by other requests while this one was applied; try again.',
      errorCode: 'concurrent_update',
    });
    // The other PATCH's options, whole: not the stale value, nor this PATCH's other options.
    expect((await stored(conn.name)).options).toEqual({ configuration: { API_KEY: 'v2-secret' } });
  });

  it('reads again after an enabled-clients write and applies its change on the newer record', async () => {
    const conn = await connectionWith({});
    // A new application is enabled on every live connection (its creation's transaction).
    const app = await seedApplication();
    expect((await stored(conn.name)).enabled_clients).toContain(app.client_id);
    const before = Number((await stored(conn.name)).revision ?? 0);
    const seen = interposeBefore(conn.name, async () => {
      const enable = await call('connections-clients-update', { scopes: ALL, params: { id: conn.id }, body: [{ client_id: app.client_id, status: false }] });
      expect(enable.status, enable.text).toBe(204);
    });
    const res = await call('connections-update', { scopes: ALL, params: { id: conn.id }, body: { display_name: 'Raced' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.display_name).toBe('Raced');
    expect(res.body.enabled_clients).not.toContain(app.client_id);
    // The PATCH's first UpdateItem, the relation's, and the PATCH's second (after reading again).
    expect(seen.updates()).toBe(3);
    expect(Number((await stored(conn.name)).revision)).toBe(before + 2);
  });

  it('keeps a value by its token when the other PATCH changed something else', async () => {
    const conn = await connectionWith({ configuration: { API_KEY: 'kept-secret' } });
    const token = conn.options.configuration.API_KEY as string;
    interposeBefore(conn.name, async () => {
      expect((await call('connections-update', { scopes: ALL, params: { id: conn.id }, body: { display_name: 'Other' } })).status).toBe(200);
    });
    const res = await call('connections-update', { scopes: ALL, params: { id: conn.id }, body: { options: { configuration: { API_KEY: token } } } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.options.configuration).toEqual({ API_KEY: token });
    const item = await stored(conn.name);
    expect(item.options.configuration).toEqual({ API_KEY: 'kept-secret' });
    expect(item.display_name).toBe('Other');
  });
});
