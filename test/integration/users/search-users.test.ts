import { beforeAll, describe, expect, it } from 'vitest';
import { insertConnection } from '#shared/db/connections-repo';
import { SearchBudgetExceededError } from '#shared/management/errors';
import { listUsers } from '#shared/management/users/read';
import { call } from '#test/support/api';
import { seedUser } from '#test/support/users';

/**
 * GET /api/v2/users?q=…&search_engine=v3 with Auth0's documented query examples. This file's
 * table holds exactly these users; searches see writes at once.
 */
const read = ['read:users'];
const people: Record<string, Record<string, any>> = {};

const search = async (q: string, extra: Record<string, string> = {}) => {
  const res = await call('users-list', { scopes: read, query: { q, search_engine: 'v3', ...extra } });
  expect(res.status, res.text).toBe(200);
  return res.body as Record<string, any>[];
};
const names = (users: Record<string, any>[]) => users.map((u) => u.name).sort();

beforeAll(async () => {
  await insertConnection({
    id: 'con_search2', name: 'partners', strategy: 'auth0', options: {}, enabled_clients: [], realms: ['partners'], is_domain_connection: false,
  });
  const seed = async (key: string, fields: Record<string, unknown>) => (people[key] = await seedUser(fields));
  await seed('ada', { name: 'Ada Lovelace', email: 'ada@analytical.example', email_verified: true, user_metadata: { hobby: 'surfing', display: { fontSize: 13 } }, app_metadata: { plan: 'gold', roles: ['admin'] } });
  await seed('grace', { name: 'Grace Hopper', email: 'grace@navy.example', user_metadata: { hobby: 'sailing', display: { fontSize: 11 } }, app_metadata: { plan: 'silver' } });
  await seed('alan', { name: 'Alan Turing', email: 'alan@analytical.example', app_metadata: { plan: 'gold', blocked_reason: null } });
  await seed('katherine', { name: 'Katherine Johnson', email: 'katherine@nasa.example', connection: 'partners', user_metadata: { addresses: [{ city: 'Paris' }, { city: 'Hampton' }] } });
});

describe('search with q (Auth0 v3 syntax)', () => {
  it('finds by exact email, case-insensitively, and by email domain', async () => {
    expect(names(await search('email:"ADA@analytical.example"'))).toEqual(['Ada Lovelace']);
    expect(names(await search('email.domain:"analytical.example"'))).toEqual(['Ada Lovelace', 'Alan Turing']);
  });

  it('finds by name with a trailing wildcard and by a quoted phrase', async () => {
    expect(names(await search('name:a*'))).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(names(await search('name:"grace hopper"'))).toEqual(['Grace Hopper']);
  });

  it('searches metadata by nested path and type, skipping array levels, case-sensitively', async () => {
    expect(names(await search('app_metadata.plan:"gold"'))).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(names(await search('app_metadata.plan:"Gold"'))).toEqual([]);
    expect(names(await search('user_metadata.display.fontSize:13'))).toEqual(['Ada Lovelace']);
    expect(names(await search('user_metadata.addresses.city:"Paris"'))).toEqual(['Katherine Johnson']);
    expect(names(await search('app_metadata.roles:"admin"'))).toEqual(['Ada Lovelace']);
  });

  it('combines with AND, OR, NOT and parentheses, and tests existence', async () => {
    expect(names(await search('app_metadata.plan:"gold" AND NOT name:"alan turing"'))).toEqual(['Ada Lovelace']);
    expect(names(await search('(user_metadata.hobby:"surfing" OR user_metadata.hobby:"sailing") AND email_verified:false'))).toEqual(['Grace Hopper']);
    expect(names(await search('_exists_:user_metadata.hobby'))).toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(names(await search('identities.connection:"partners"'))).toEqual(['Katherine Johnson']);
  });

  it('filters by ranges on login statistics and dates', async () => {
    expect(names(await search('NOT _exists_:logins_count'))).toHaveLength(4);
    expect(names(await search(`created_at:[${people.ada!.created_at} TO ${people.alan!.created_at}]`))).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
  });

  it('pages, sorts, totals and projects the matches', async () => {
    const res = await call('users-list', {
      scopes: read, query: { q: 'app_metadata.plan:"gold"', search_engine: 'v3', sort: 'name:-1', include_totals: 'true', per_page: '1', fields: 'name' },
    });
    expect(res.body).toEqual({ start: 0, limit: 1, length: 1, users: [{ name: 'Alan Turing' }], total: 2 });
  });

  it('sees a write at once', async () => {
    await call('users-update', { params: { id: people.grace!.user_id }, scopes: ['update:users'], body: { app_metadata: { plan: 'gold' } } });
    expect(names(await search('app_metadata.plan:"gold"'))).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    await call('users-update', { params: { id: people.grace!.user_id }, scopes: ['update:users'], body: { app_metadata: { plan: 'silver' } } });
    expect(names(await search('app_metadata.plan:"gold"'))).toEqual(['Ada Lovelace', 'Alan Turing']);
  });

  it('answers a malformed query with a 400 that says where it broke', async () => {
    const res = await call('users-list', { scopes: read, query: { q: 'name:"ada" AND (email:x', search_engine: 'v3' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string',
      message: expect.stringMatching(/^Query validation error: '.+ at position \d+' on property q\.$/),
    });
  });

  it('refuses wildcards and ranges on metadata, as Auth0 does', async () => {
    const res = await call('users-list', { scopes: read, query: { q: 'user_metadata.hobby:surf*', search_engine: 'v3' } });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('invalid_query_string');
  });

  it('answers a 400 naming the fields when a search would examine more than the budget, never a partial result', async () => {
    const query = { q: 'app_metadata.plan:"gold" AND user_metadata.hobby:"surfing"', page: 0, per_page: 50, include_totals: false, include_fields: true };
    const error = await listUsers(query, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SearchBudgetExceededError);
    expect(error).toMatchObject({ statusCode: 400, errorCode: 'query_too_expensive' });
    expect((error as Error).message).toBe(
      "Query validation error: 'Searching app_metadata.plan, user_metadata.hobby without an index examines every user, and this tenant holds more than 5 items (LIST_SCAN_BUDGET). Declare an index on app_metadata.plan, user_metadata.hobby (POST /api/v2/search-indexes).' on property q.",
    );
  });
});
