import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { CONNECTION } from '#test/support/users';
import { PASSWORD, REALM_GRANT, seedLoginUser } from '#test/support/logins';

/**
 * DynamoDB requests per applications operation (docs/applications.md), and a login whose
 * enabled-clients check reads nothing more than the connection record it already reads.
 */
async function measured(run: () => Promise<unknown>): Promise<string[]> {
  // A write before clears every tenant cache (tenantChanged), the token verifier's keys included: reload them first.
  await call('clients-get', { scopes: ['read:clients'], params: { id: 'warm-up' } });
  const seen: RequestRecord[] = [];
  const stop = observeRequests((r) => seen.push(r));
  await run();
  stop();
  return seen.flatMap((r) => r.db.commands);
}

describe('requests per operation', () => {
  it('create, get, list, PATCH, rotate, DELETE; enabled clients GET and PATCH', async () => {
    let id = '';
    const create = await measured(async () => {
      id = (await call('clients-create', { scopes: ['create:clients'], body: { name: 'measured', app_type: 'regular_web', grant_types: [REALM_GRANT] } })).body.client_id;
    });
    // One Query of the connections' directory, one transaction (client, directory item, each connection's list).
    expect(create).toEqual(['Query', 'TransactWriteItems']);
    expect(await measured(() => call('clients-get', { scopes: ['read:clients'], params: { id } }))).toEqual(['GetItem']);
    expect(await measured(() => call('clients-list', { scopes: ['read:clients'] }))).toEqual(['Query']);
    expect(await measured(() => call('clients-update', { scopes: ['update:clients'], params: { id }, body: { name: 'renamed' } }))).toEqual(['GetItem', 'TransactWriteItems']);
    expect(await measured(() => call('clients-rotate-secret', { scopes: ['update:client_keys'], params: { id } }))).toEqual(['GetItem', 'TransactWriteItems']);

    const connectionId = (await call('connections-list', { scopes: ['read:connections'], query: { name: CONNECTION } })).body[0].id as string;
    expect(await measured(() => call('connections-clients-get', { scopes: ['read:connections'], params: { id: connectionId } }))).toEqual(['GetItem', 'GetItem']);
    expect(
      await measured(() => call('connections-clients-update', { scopes: ['update:connections'], params: { id: connectionId }, body: [{ client_id: id, status: false }] })),
    ).toEqual(['GetItem', 'GetItem', 'UpdateItem']);
    await call('connections-clients-update', { scopes: ['update:connections'], params: { id: connectionId }, body: [{ client_id: id, status: true }] });

    // The partition and directory reads, one transaction, the partition again; then per connection a read and a write.
    const deleted = await measured(() => call('clients-delete', { scopes: ['delete:clients'], params: { id } }));
    expect(deleted.slice(0, 4)).toEqual(['Query', 'GetItem', 'TransactWriteItems', 'Query']);
    expect(deleted.slice(4, 5)).toEqual(['Query']);
  });

  it('a warm login reads no more for the enabled-clients check: no read of the connection record', async () => {
    const app = (await call('clients-create', { scopes: ['create:clients'], body: { name: 'warm', app_type: 'regular_web', grant_types: [REALM_GRANT] } })).body;
    const user = await seedLoginUser();
    const login = () =>
      call('oauth-token', {
        headers: { 'content-type': 'application/json' },
        rawBody: JSON.stringify({ grant_type: REALM_GRANT, realm: CONNECTION, username: user.email, password: PASSWORD, client_id: app.client_id, client_secret: app.client_secret }),
      });
    expect((await login()).status).toBe(200); // warms the client and connection caches
    const commands = await measured(async () => expect((await login()).status).toBe(200));
    expect(commands.filter((c) => c === 'GetItem')).toEqual([]);
    expect(commands).not.toContain('Scan');
  });
});
