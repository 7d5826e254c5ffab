import { beforeAll, describe, expect, it } from 'vitest';
import { scanUsers } from '#shared/management/users/store';
import { ListBudgetExceededError } from '#shared/management/errors';
import { call } from '#test/support/api';
import { seedUser } from '#test/support/users';

/** This file's table holds exactly these users. */
const names = ['carol', 'alice', 'dave', 'bob', 'erin'];
const users: Record<string, any>[] = [];
const read = ['read:users'];

beforeAll(async () => {
  for (const name of names) users.push(await seedUser({ name, email: `${name}@list.example.com` }));
});

describe('GET /api/v2/users', () => {
  it('lists users as an array, oldest first by default', async () => {
    const res = await call('users-list', { scopes: read });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(users);
  });

  it('pages with page and per_page, and wraps with include_totals', async () => {
    const res = await call('users-list', { scopes: read, query: { page: '1', per_page: '2', include_totals: 'true' } });
    expect(res.body).toEqual({ start: 2, limit: 2, length: 2, users: users.slice(2, 4), total: 5 });
    const past = await call('users-list', { scopes: read, query: { page: '9', per_page: '2' } });
    expect(past.body).toEqual([]);
  });

  it('sorts by a root field in either direction, with fields', async () => {
    const asc = await call('users-list', { scopes: read, query: { sort: 'name:1', fields: 'name' } });
    expect(asc.body).toEqual([...names].sort().map((name) => ({ name })));
    const desc = await call('users-list', { scopes: read, query: { sort: 'email:-1', fields: 'name' } });
    expect(desc.body).toEqual([...names].sort().reverse().map((name) => ({ name })));
  });

  it('refuses sorting by metadata', async () => {
    const res = await call('users-list', { scopes: read, query: { sort: 'user_metadata.age:1' } });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('invalid_query_string');
  });

  it("refuses per_page above 100 in Auth0's words", async () => {
    const res = await call('users-list', { scopes: read, query: { per_page: '1000' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Query validation error: 'Value 1000 is greater than maximum 100' on property per_page (Number of results per page).");
  });

  it('stops at the 1,000-result window', async () => {
    const res = await call('users-list', { scopes: read, query: { page: '10', per_page: '100' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_paging',
      message: 'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation',
    });
    expect((await call('users-list', { scopes: read, query: { page: '9', per_page: '100' } })).status).toBe(200);
  });

  it('filters by connection', async () => {
    const res = await call('users-list', { scopes: read, query: { connection: 'Username-Password-Authentication', fields: 'name' } });
    expect(res.body).toHaveLength(5);
    const none = await call('users-list', { scopes: read, query: { connection: 'other' } });
    expect(none.body).toEqual([]);
  });
});

describe('the list scan budget', () => {
  it('stops examining items past the budget, with a 503 that says what to do instead', async () => {
    // 5 users, their 5 email claims and the seeded tenant items: more than 8 items.
    const error = await scanUsers(8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListBudgetExceededError);
    expect(error).toMatchObject({ statusCode: 503, errorCode: 'list_budget_exceeded' });
    expect((error as Error).message).toMatch(/^Listing users reads the whole table, and this one holds more than 8 items \(LIST_SCAN_BUDGET\)\./);
    expect((await scanUsers(1000)).map(({ user }) => user.email).sort()).toEqual(names.map((n) => `${n}@list.example.com`).sort());
  });
});
