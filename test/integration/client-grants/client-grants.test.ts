import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { managementAudience } from '#shared/platform/config';
import { MANAGEMENT_SCOPES } from '#shared/tenant/scopes';
import { createClient } from '#shared/tenant/clients';
import { db, tableName } from '#shared/db/client';
import { clientGrantDirectoryKey, clientGrantKey } from '#shared/db/keys';
import { call } from '#test/support/api';

/**
 * /api/v2/client-grants through the route table: Auth0's shape, both items of a grant written
 * together, 400 for scopes the API does not define, 409 for a second grant of a pair, 404s in
 * Auth0's words, scope-only PATCH, offset and checkpoint lists, hostile input.
 */
const ALL = ['create:client_grants', 'read:client_grants', 'update:client_grants', 'delete:client_grants'];
const API = 'https://orders.example.com/api';
const SCOPES = [{ value: 'read:orders' }, { value: 'write:orders' }, { value: 'delete:orders' }];

let clientId: string;
let otherClientId: string;

const newMachine = async (name: string) =>
  (await createClient({ name, app_type: 'non_interactive', grant_types: ['client_credentials'] })).client.client_id;

beforeAll(async () => {
  const api = await call('resource-servers-create', { scopes: ['create:resource_servers'], body: { identifier: API, name: 'Orders', scopes: SCOPES } });
  expect(api.status, api.text).toBe(201);
  clientId = await newMachine('Orders worker');
  otherClientId = await newMachine('Reporting worker');
});

async function grant(client_id: string, scope: string[], audience = API) {
  const res = await call('client-grants-create', { scopes: ALL, body: { client_id, audience, scope } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; client_id: string; audience: string; scope: string[] };
}

const item = async (key: { pk: string; sk: string }) => (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

describe('POST /api/v2/client-grants', () => {
  it("creates a grant in Auth0's shape, stored on the hot path and in the directory together", async () => {
    const res = await call('client-grants-create', { scopes: ['create:client_grants'], body: { client_id: clientId, audience: API, scope: ['read:orders'] } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^cgr_[A-Za-z0-9]{16}$/), client_id: clientId, audience: API, scope: ['read:orders'] });
    expect(Object.keys(res.body)).toEqual(['id', 'client_id', 'audience', 'scope']);
    expect(await item(clientGrantKey(clientId, API))).toMatchObject({ id: res.body.id, scope: ['read:orders'] });
    expect(await item(clientGrantDirectoryKey(res.body.id))).toMatchObject({ client_id: clientId, audience: API, scope: ['read:orders'] });
  });

  it('refuses a second grant for the same client and audience (409, Auth0 words)', async () => {
    const again = await call('client-grants-create', { scopes: ALL, body: { client_id: clientId, audience: API, scope: [] } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: `A client grant already exists between ${clientId} and ${API}`, errorCode: 'conflict' });
  });

  it('lets exactly one of two concurrent creates of a pair through', async () => {
    const client = await newMachine('Raced');
    const results = await Promise.all([1, 2].map(() => call('client-grants-create', { scopes: ALL, body: { client_id: client, audience: API, scope: [] } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('refuses subject_type "user" (no user-access grants here: 400 naming it), accepts "client"', async () => {
    const client = await newMachine('User access');
    const user = await call('client-grants-create', { scopes: ALL, body: { client_id: client, audience: API, scope: [], subject_type: 'user' } });
    expect(user.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: `Payload validation error: 'subject_type "user" (user access) is not supported by this service; use client' on property subject_type (Defines the type of subject for this grant.).`,
    });
    expect(await item(clientGrantKey(client, API))).toBeUndefined();
    const machine = await call('client-grants-create', { scopes: ALL, body: { client_id: client, audience: API, scope: [], subject_type: 'client' } });
    expect(machine.status, machine.text).toBe(201);
    expect(machine.body).toMatchObject({ client_id: client, audience: API, subject_type: 'client' });
  });

  it('refuses an audience over 600 bytes in UTF-8 (400 naming it), never a 500', async () => {
    const client = await newMachine('Wide audience');
    const res = await call('client-grants-create', { scopes: ALL, body: { client_id: client, audience: '一'.repeat(590), scope: [] } });
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: "Payload validation error: 'String is too long (1770 bytes in UTF-8), maximum 600 bytes' on property audience (The audience (API identifier) of this client grant).",
    });
  });

  it('accepts an empty scope list, and refuses scopes the API does not define (400)', async () => {
    const empty = await grant(otherClientId, []);
    expect(empty.scope).toEqual([]);
    const client = await newMachine('Undefined scopes');
    const res = await call('client-grants-create', { scopes: ALL, body: { client_id: client, audience: API, scope: ['read:orders', 'fly:rockets'] } });
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: `Payload validation error: 'The API ${API} does not define the scopes: fly:rockets' on property scope.`,
    });
    const management = await call('client-grants-create', { scopes: ALL, body: { client_id: client, audience: managementAudience, scope: ['read:orders'] } });
    expect(management.status).toBe(400);
  });

  it("answers Auth0's 404s for an unknown client or audience", async () => {
    const noClient = await call('client-grants-create', { scopes: ALL, body: { client_id: 'nobody', audience: API, scope: [] } });
    expect(noClient.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Client not found', errorCode: 'inexistent_client' });
    const noApi = await call('client-grants-create', { scopes: ALL, body: { client_id: clientId, audience: 'https://nowhere.example.com/', scope: [] } });
    expect(noApi.body).toEqual({
      statusCode: 404, error: 'Not Found', message: 'No resource with identifier https://nowhere.example.com/', errorCode: 'inexistent_resource_server',
    });
  });

  it('grants Management API scopes from the catalogue', async () => {
    const client = await newMachine('Admin');
    const res = await grant(client, ['read:users', 'read:clients'], managementAudience);
    expect(res).toMatchObject({ audience: managementAudience, scope: ['read:users', 'read:clients'] });
  });

  it('refuses hostile input with a 400, never a 500', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ client_id: clientId, audience: API }, "Payload validation error: 'Missing required property: scope'."],
      [{ client_id: clientId, audience: API, scope: [], ['__proto__']: { x: 1 } }, "Payload validation error: 'Additional properties not allowed: __proto__'."],
      [{ client_id: clientId, audience: API, scope: [], organization_usage: 'allow' }, "Payload validation error: 'Additional properties not allowed: organization_usage'."],
      [{ client_id: clientId, audience: API, scope: 'read:orders' }, "Payload validation error: 'Expected type array but found type string' on property scope (Scopes allowed for this client grant.)."],
      [{ client_id: clientId, audience: API, scope: ['<script>alert(1)</script> x'] }, ''],
      [{ client_id: clientId, audience: API, scope: ['read\u0000orders'] }, ''],
      [{ client_id: clientId, audience: API, scope: Array.from({ length: 1001 }, (_, i) => `s${i}`) }, ''],
      [{ client_id: 'x'.repeat(129), audience: API, scope: [] }, ''],
      [{ client_id: clientId, audience: 'a'.repeat(601), scope: [] }, ''],
      [{ client_id: { $ne: null }, audience: API, scope: [] }, ''],
      [{ client_id: clientId, audience: API, scope: [], subject_type: 'robot' }, ''],
    ];
    for (const [body, message] of cases) {
      const res = await call('client-grants-create', { scopes: ALL, body });
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(res.body.errorCode).toBe('invalid_body');
      if (message) expect(res.body.message).toBe(message);
    }
  });

  it('answers 401 without a token and 403 without create:client_grants', async () => {
    expect((await call('client-grants-create', { body: { client_id: clientId, audience: API, scope: [] } })).status).toBe(401);
    const wrong = await call('client-grants-create', { scopes: ['read:client_grants'], body: { client_id: clientId, audience: API, scope: [] } });
    expect(wrong.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:client_grants', errorCode: 'insufficient_scope' });
  });
});

describe('GET /api/v2/client-grants and /{id}', () => {
  it('gets a grant by id; 404 inexistent_client_grant for an unknown one', async () => {
    const listed = (await call('client-grants-list', { scopes: ALL, query: { client_id: clientId } })).body;
    expect(listed).toHaveLength(1);
    const one = await call('client-grants-get', { scopes: ['read:client_grants'], params: { id: listed[0].id } });
    expect(one.body).toEqual(listed[0]);
    const missing = await call('client-grants-get', { scopes: ALL, params: { id: 'cgr_0000000000000000' } });
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The grant does not exist.', errorCode: 'inexistent_client_grant' });
  });

  it('filters by audience and client_id, and lists the seeded kind of Management grant too', async () => {
    const byAudience = (await call('client-grants-list', { scopes: ALL, query: { audience: API } })).body as { audience: string }[];
    expect(byAudience.length).toBeGreaterThanOrEqual(3);
    expect(byAudience.every((g) => g.audience === API)).toBe(true);
    const both = (await call('client-grants-list', { scopes: ALL, query: { audience: API, client_id: otherClientId } })).body;
    expect(both).toEqual([{ id: expect.any(String), client_id: otherClientId, audience: API, scope: [] }]);
    const seeded = await createClient({
      name: 'Seeded admin', app_type: 'non_interactive', grant_types: ['client_credentials'],
      grants: [{ audience: managementAudience, scope: MANAGEMENT_SCOPES }],
    });
    const mine = (await call('client-grants-list', { scopes: ALL, query: { client_id: seeded.client.client_id } })).body;
    expect(mine).toEqual([{ id: expect.stringMatching(/^cgr_/), client_id: seeded.client.client_id, audience: managementAudience, scope: [...MANAGEMENT_SCOPES] }]);
  });

  it("pages by offset in Auth0's envelope and by checkpoint with next", async () => {
    const all = (await call('client-grants-list', { scopes: ALL })).body as { id: string }[];
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.map((g) => g.id)).toEqual([...all.map((g) => g.id)].sort());
    const page = await call('client-grants-list', { scopes: ALL, query: { page: '1', per_page: '2', include_totals: 'true' } });
    expect(Object.keys(page.body)).toEqual(['start', 'limit', 'total', 'client_grants']);
    expect(page.body).toEqual({ start: 2, limit: 2, total: all.length, client_grants: all.slice(2, 4) });

    const seen: string[] = [];
    let from: string | undefined;
    for (let i = 0; i < all.length + 1; i += 1) {
      const res = await call('client-grants-list', { scopes: ALL, query: { take: '2', include_totals: 'true', ...(from ? { from } : {}) } });
      expect(res.status).toBe(200);
      seen.push(...res.body.client_grants.map((g: { id: string }) => g.id));
      from = res.body.next;
      if (!from) break;
    }
    expect(seen).toEqual(all.map((g) => g.id));
  });

  it('answers 400 for an overlong id and 404 for odd ones, never a 500', async () => {
    expect((await call('client-grants-get', { scopes: ALL, params: { id: 'x'.repeat(65) } })).body.errorCode).toBe('invalid_uri');
    for (const id of ['../x', '<script>', '__proto__', 'GRANT#x']) {
      expect((await call('client-grants-get', { scopes: ALL, params: { id } })).status, id).toBe(404);
      expect((await call('client-grants-update', { scopes: ALL, params: { id }, body: { scope: [] } })).status, id).toBe(404);
      expect((await call('client-grants-delete', { scopes: ALL, params: { id } })).status, id).toBe(204);
    }
  });

  it('refuses unknown or malformed query parameters', async () => {
    const extra = await call('client-grants-list', { scopes: ALL, query: { q: '1' } });
    expect(extra.body).toEqual({ statusCode: 400, error: 'Bad Request', message: "Query validation error: 'Additional properties not allowed: q'.", errorCode: 'invalid_query_string' });
    expect((await call('client-grants-list', { scopes: ALL, query: { take: '0' } })).status).toBe(400);
    expect((await call('client-grants-list', { scopes: ALL, query: { per_page: 'many' } })).status).toBe(400);
    expect((await call('client-grants-list', { scopes: ['read:clients'] })).status).toBe(403);
  });
});

describe('PATCH /api/v2/client-grants/{id}', () => {
  it('changes the scopes on both items; refuses scopes the API lacks and every other field', async () => {
    const client = await newMachine('Patched');
    const made = await grant(client, ['read:orders']);
    const res = await call('client-grants-update', { scopes: ['update:client_grants'], params: { id: made.id }, body: { scope: ['read:orders', 'write:orders'] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ ...made, scope: ['read:orders', 'write:orders'] });
    expect(await item(clientGrantKey(client, API))).toMatchObject({ scope: ['read:orders', 'write:orders'] });
    expect((await call('client-grants-get', { scopes: ALL, params: { id: made.id } })).body).toEqual(res.body);

    const undefinedScope = await call('client-grants-update', { scopes: ALL, params: { id: made.id }, body: { scope: ['fly:rockets'] } });
    expect(undefinedScope.status).toBe(400);
    for (const field of ['audience', 'client_id', 'subject_type', 'is_system']) {
      const res2 = await call('client-grants-update', { scopes: ALL, params: { id: made.id }, body: { [field]: 'x' } });
      expect(res2.body.message).toBe(`Payload validation error: 'Additional properties not allowed: ${field}'.`);
    }
    const missing = await call('client-grants-update', { scopes: ALL, params: { id: 'cgr_nothing' }, body: { scope: [] } });
    expect(missing.body.errorCode).toBe('inexistent_client_grant');
  });
});

describe('DELETE /api/v2/client-grants/{id}', () => {
  it('removes both items; a repeat is a 204', async () => {
    const client = await newMachine('Deleted');
    const made = await grant(client, []);
    const res = await call('client-grants-delete', { scopes: ['delete:client_grants'], params: { id: made.id } });
    expect(res.status).toBe(204);
    expect(await item(clientGrantKey(client, API))).toBeUndefined();
    expect(await item(clientGrantDirectoryKey(made.id))).toBeUndefined();
    expect((await call('client-grants-delete', { scopes: ALL, params: { id: made.id } })).status).toBe(204);
    expect((await call('client-grants-delete', { scopes: ['read:client_grants'], params: { id: made.id } })).status).toBe(403);
  });
});
