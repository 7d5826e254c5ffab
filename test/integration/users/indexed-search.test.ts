import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_INDEX_KEY } from '#shared/db/keys';
import { insertIndexDeclaration } from '#shared/db/search-indexes-repo';
import { indexEntryPartition, searchIndexKey } from '#shared/db/keys';
import { queryEntries } from '#shared/db/index-entries-repo';
import type { RequestRecord } from '#shared/http/handler';
import type { DeclaredType } from '#shared/management/search-indexes/model';
import { listUsers } from '#shared/management/users/read';
import { call, observeRequests } from '#test/support/api';
import { seedUser } from '#test/support/users';

/**
 * Search answered from indexes: root fields and declared metadata paths. The declarations are
 * written `ready` before any user exists (what a backfill of an empty tenant ends in), so every
 * user below is indexed by its own write. Each answer is checked against the users themselves,
 * and against the DynamoDB calls made: an indexed search never scans.
 */
const read = ['read:users'];
const PLANS = ['free', 'pro', 'enterprise'] as const;
let everyone: Record<string, any>[] = [];

async function declareReady(path: string, type: DeclaredType) {
  const generation = `t${path.length}`;
  await insertIndexDeclaration(searchIndexKey(path), {
    path, type, status: 'ready', generation, shards: 4, mixed: false, created_at: new Date().toISOString(), job_id: 'job_test',
  }, undefined);
}

async function searchWithCalls(q: string, extra: Record<string, string> = {}) {
  const seen: RequestRecord[] = [];
  const stop = observeRequests((r) => seen.push(r));
  const res = await call('users-list', { scopes: read, query: { q, search_engine: 'v3', per_page: '100', ...extra } });
  stop();
  return { res, commands: seen.flatMap((r) => r.db.commands) };
}

async function search(q: string, extra: Record<string, string> = {}) {
  const { res, commands } = await searchWithCalls(q, extra);
  expect(res.status, res.text).toBe(200);
  expect(commands, `${q} should be answered from indexes`).not.toContain('Scan');
  return res.body as Record<string, any>[];
}

async function entriesIn(path: string, generation: string, shards: number) {
  const pages = await Promise.all(
    Array.from({ length: shards }, (_, shard) => queryEntries(indexEntryPartition(path, generation, shard), { all: true }, { limit: 1000 })),
  );
  return pages.flatMap((page) => page.entries);
}

const ids = (users: Record<string, any>[]) => users.map((u) => u.user_id as string).sort();
const where = (match: (u: Record<string, any>) => boolean) => ids(everyone.filter(match));
const plan = (u: Record<string, any>) => u.app_metadata?.plan as string | undefined;
const age = (u: Record<string, any>) => u.user_metadata?.age as number | undefined;

async function refresh() {
  const res = await call('users-list', { scopes: read, query: { per_page: '100' } });
  expect(res.status, res.text).toBe(200);
  everyone = res.body;
}

beforeAll(async () => {
  await insertIndexDeclaration(ROOT_INDEX_KEY, { status: 'ready', created_at: new Date().toISOString() }, undefined);
  await declareReady('app_metadata.plan', 'string');
  await declareReady('user_metadata.age', 'number');
  await declareReady('app_metadata.roles', 'string');
  for (let i = 0; i < 24; i++) {
    await seedUser({
      email: `person${i}@${i % 3 === 0 ? 'acme' : 'globex'}.example`,
      name: `${i % 2 === 0 ? 'Jane' : 'John'} Doe ${i}`,
      user_metadata: { age: 20 + i, hobby: i % 4 === 0 ? 'chess' : 'golf' },
      app_metadata: { plan: PLANS[i % 3]!, roles: i % 5 === 0 ? ['admin', 'editor'] : ['viewer'] },
    });
  }
  await refresh();
});

describe('search from indexes (declared metadata paths and root fields)', () => {
  it('answers equality on a declared path, with the total, without a scan', async () => {
    const res = await call('users-list', { scopes: read, query: { q: 'app_metadata.plan:enterprise', search_engine: 'v3', include_totals: 'true' } });
    expect(res.status).toBe(200);
    expect(ids(res.body.users)).toEqual(where((u) => plan(u) === 'enterprise'));
    expect(res.body.total).toBe(8);
    expect(await search('app_metadata.plan:"pro"')).toHaveLength(8);
    expect(await search('app_metadata.plan:Pro')).toEqual([]); // metadata is case-sensitive, as on Auth0
  });

  it('allows ranges and prefix wildcards on declared paths (Auth0 refuses both on metadata)', async () => {
    expect(ids(await search('user_metadata.age:[30 TO 35]'))).toEqual(where((u) => age(u)! >= 30 && age(u)! <= 35));
    expect(ids(await search('user_metadata.age:{30 TO 35}'))).toEqual(where((u) => age(u)! > 30 && age(u)! < 35));
    expect(ids(await search('user_metadata.age:>=40'))).toEqual(where((u) => age(u)! >= 40));
    expect(ids(await search('user_metadata.age:[* TO 21]'))).toEqual(where((u) => age(u)! <= 21));
    expect(ids(await search('app_metadata.plan:ent*'))).toEqual(where((u) => plan(u) === 'enterprise'));
    expect(ids(await search('app_metadata.roles:admin'))).toEqual(where((u) => u.app_metadata.roles.includes('admin')));
    const refused = await call('users-list', { scopes: read, query: { q: 'user_metadata.hobby:ch*', search_engine: 'v3' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string',
      message: "Query validation error: 'Wildcards and ranges are not supported on metadata fields (user_metadata.hobby)' on property q.",
    });
  });

  it('intersects AND, unites OR, and checks NOT and unindexed terms on the users found', async () => {
    expect(ids(await search('app_metadata.plan:pro AND user_metadata.age:[20 TO 30]'))).toEqual(
      where((u) => plan(u) === 'pro' && age(u)! <= 30),
    );
    expect(ids(await search('app_metadata.plan:pro OR app_metadata.roles:admin'))).toEqual(
      where((u) => plan(u) === 'pro' || u.app_metadata.roles.includes('admin')),
    );
    expect(ids(await search('email.domain:acme.example AND NOT app_metadata.plan:free'))).toEqual(
      where((u) => u.email.endsWith('@acme.example') && plan(u) !== 'free'),
    );
    // hobby has no index: the plan term narrows, hobby is checked on those users.
    expect(ids(await search('app_metadata.plan:free AND user_metadata.hobby:chess'))).toEqual(
      where((u) => plan(u) === 'free' && u.user_metadata.hobby === 'chess'),
    );
    expect(ids(await search('(name:jane* OR name:"john doe 1") AND user_metadata.age:[* TO 25]'))).toEqual(
      where((u) => (u.name.startsWith('Jane') || u.name === 'John Doe 1') && age(u)! <= 25),
    );
  });

  it('reads items in proportion to the matches: one entry per match, then only the page of users', async () => {
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await call('users-list', { scopes: read, query: { q: 'app_metadata.plan:pro', search_engine: 'v3', per_page: '3', include_totals: 'true' } });
    stop();
    expect(res.body.total).toBe(8);
    const [request] = seen;
    // The declarations (1 Query of 4 items; a warm Lambda caches them), the 8 entries (a Query per
    // shard), and the page's 3 users (their login-statistics items do not exist: nobody logged in).
    expect(request!.db.commands).toEqual(['Query', 'Query', 'Query', 'Query', 'Query', 'BatchGetItem']);
    expect(request!.db.itemsRead).toBe(4 + 8 + 3);
  });

  it('answers root fields and unfielded terms from the root indexes', async () => {
    expect(ids(await search('email:"PERSON3@acme.example"'))).toEqual(where((u) => u.email === 'person3@acme.example'));
    expect(ids(await search('email.domain:ACME.example'))).toEqual(where((u) => u.email.endsWith('@acme.example')));
    expect(ids(await search('"Jane Doe 4"'))).toEqual(where((u) => u.name === 'Jane Doe 4'));
    expect(ids(await search('identities.connection:"Username-Password-Authentication" AND email_verified:false'))).toHaveLength(24);
    const first = everyone[0]!;
    expect(ids(await search(`user_id:"${first.user_id}"`))).toEqual([first.user_id]);
    expect(ids(await search(`created_at:[${first.created_at} TO *]`))).toEqual(where((u) => u.created_at >= first.created_at));
  });

  it('sorts and pages indexed results like the scan did', async () => {
    const byCreation = [...everyone].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    const page = await search('app_metadata.plan:*', { sort: 'created_at:-1', per_page: '5', page: '1' });
    expect(page.map((u) => u.user_id)).toEqual(byCreation.slice(5, 10).map((u) => u.user_id));
    const byName = await search('email.domain:globex.example', { sort: 'name:1' });
    expect(byName.map((u) => u.name)).toEqual(everyone.filter((u) => u.email.endsWith('globex.example')).map((u) => u.name).sort());
  });

  it('lists pages in creation order from the created_at index, without a scan', async () => {
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await call('users-list', { scopes: read, query: { per_page: '7', page: '2' } });
    const totals = await call('users-list', { scopes: read, query: { per_page: '7', include_totals: 'true' } });
    stop();
    expect(res.body.map((u: any) => u.user_id)).toEqual(everyone.slice(14, 21).map((u) => u.user_id));
    expect(totals.body.total).toBe(24);
    expect(seen.flatMap((r) => r.db.commands)).not.toContain('Scan');
  });

  it('refuses a plain list sorted by another field when it would fetch more users than the budget (503, as the scan did)', async () => {
    await expect(listUsers({ page: 0, per_page: 10, include_totals: false, sort: 'email:1' } as never, 5)).rejects.toMatchObject({
      statusCode: 503,
      errorCode: 'list_budget_exceeded',
      message: 'Sorting by email reads every user, and this tenant has more than 5 (LIST_SCAN_BUDGET). Sort by created_at, or search with q.',
    });
    const byCreation = await listUsers({ page: 0, per_page: 3, include_totals: false, sort: 'created_at:1' } as never, 5);
    expect(byCreation.users.map((u) => u.user_id)).toEqual(everyone.slice(0, 3).map((u) => u.user_id));
  });

  it('sees every write at once: PATCH, email change and delete move the entries in the same transaction', async () => {
    const user = await seedUser({ email: 'mover@initech.example', user_metadata: { age: 99 }, app_metadata: { plan: 'free' } });
    expect(ids(await search('user_metadata.age:99'))).toEqual([user.user_id]);
    const patched = await call('users-update', {
      scopes: ['update:users'], params: { id: user.user_id }, body: { app_metadata: { plan: 'trial' }, email: 'moved@initrode.example' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(ids(await search('app_metadata.plan:trial'))).toEqual([user.user_id]);
    expect(ids(await search('app_metadata.plan:free AND user_metadata.age:99'))).toEqual([]);
    expect(ids(await search('email.domain:initrode.example'))).toEqual([user.user_id]);
    expect(ids(await search('email.domain:initech.example'))).toEqual([]);
    const removed = await call('users-delete', { scopes: ['delete:users'], params: { id: user.user_id } });
    expect(removed.status).toBe(204);
    expect(ids(await search('app_metadata.plan:trial OR user_metadata.age:99 OR email:"moved@initrode.example"'))).toEqual([]);
  });

  it('refuses a value of the wrong type on a declared path with a 400, and writes nothing', async () => {
    const user = await seedUser({ user_metadata: { age: 50 } });
    const patched = await call('users-update', { scopes: ['update:users'], params: { id: user.user_id }, body: { user_metadata: { age: 'fifty' } } });
    expect(patched.status).toBe(400);
    expect(patched.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: 'user_metadata.age is indexed for search as number (see /api/v2/search-indexes); this write gives it a string.',
    });
    const created = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: 'Username-Password-Authentication', email: 'typed@example.com', password: 'Passw0rd!long', app_metadata: { plan: { tier: 1 } } },
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toBe('app_metadata.plan is indexed for search as string (see /api/v2/search-indexes); this write gives it an object.');
    const stored = await call('users-get', { scopes: read, params: { id: user.user_id } });
    expect(stored.body.user_metadata).toEqual({ age: 50 });
    expect(ids(await search('user_metadata.age:50'))).toEqual([user.user_id]);
    expect((await call('users-by-email', { scopes: read, query: { email: 'typed@example.com' } })).body).toEqual([]);
    await call('users-delete', { scopes: ['delete:users'], params: { id: user.user_id } });
  });

  it('indexes values longer than a sort key holds: long metadata, a long nickname, a long user id', async () => {
    const head = 'é'.repeat(120);
    const long = await seedUser({ app_metadata: { plan: `${head}-first` } });
    const twin = await seedUser({ app_metadata: { plan: `${head}-second` } });
    const nickname = '名'.repeat(350);
    const named = await seedUser({ nickname, user_id: '😀'.repeat(255) });
    expect(named.user_id).toBe(`auth0|${'😀'.repeat(255)}`);
    expect(ids(await search(`app_metadata.plan:"${head}-first"`))).toEqual([long.user_id]);
    expect(ids(await search(`app_metadata.plan:${head}*`))).toEqual(ids([long, twin]));
    expect(ids(await search(`app_metadata.plan:[${head}-s TO ${head}-z]`))).toEqual([twin.user_id]);
    expect(ids(await search(`nickname:"${nickname}"`))).toEqual([named.user_id]);
    expect(ids(await search(`user_id:"${named.user_id}"`))).toEqual([named.user_id]);
    for (const user of [long, twin, named]) await call('users-delete', { scopes: ['delete:users'], params: { id: user.user_id } });
    expect(await search(`app_metadata.plan:${head}* OR nickname:"${nickname}"`)).toEqual([]);
  });

  it('answers an inverted range with nothing (not a DynamoDB error), and keeps long values of one user apart', async () => {
    expect(await search('user_metadata.age:[50 TO 10]')).toEqual([]);
    expect(await search('name:[z TO a] OR created_at:[2025 TO 2020]')).toEqual([]);
    const head = 'r'.repeat(150);
    const user = await seedUser({ app_metadata: { roles: [`${head}-a`, `${head}-b`] } });
    expect(ids(await search(`app_metadata.roles:"${head}-a"`))).toEqual([user.user_id]);
    expect(ids(await search(`app_metadata.roles:"${head}-b"`))).toEqual([user.user_id]);
    expect(await search(`app_metadata.roles:"${head}-c"`)).toEqual([]);
    await call('users-delete', { scopes: ['delete:users'], params: { id: user.user_id } });
  });

  it('keeps no entries of an index before its writes_from (a writer that does not know it yet could not move them)', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await insertIndexDeclaration(searchIndexKey('user_metadata.later'), {
      path: 'user_metadata.later', type: 'string', status: 'building', generation: 'late1', shards: 2, mixed: false,
      created_at: new Date().toISOString(), job_id: 'job_test', writes_from: later,
    }, undefined);
    const user = await seedUser({ user_metadata: { later: 'soon' } });
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const patched = await call('users-update', { scopes: ['update:users'], params: { id: user.user_id }, body: { user_metadata: { later: 'now' } } });
    stop();
    expect(patched.status).toBe(200);
    // Known to this writer: the change takes the read-and-transaction path (at a version), ...
    expect(seen.flatMap((r) => r.db.commands)).toEqual(['Query', 'GetItem', 'TransactWriteItems']);
    // ... but writes no entry before writes_from; the declared type is enforced already.
    expect(await entriesIn('user_metadata.later', 'late1', 2)).toEqual([]);
    const wrong = await call('users-update', { scopes: ['update:users'], params: { id: user.user_id }, body: { user_metadata: { later: 1 } } });
    expect(wrong.status).toBe(400);
    await call('users-delete', { scopes: ['delete:users'], params: { id: user.user_id } });
  });

  it('limits the indexed values one user may hold (they are written in one transaction)', async () => {
    const roles = Array.from({ length: 40 }, (_, i) => `role${i}`);
    const res = await call('users-create', {
      scopes: ['create:users'],
      body: { connection: 'Username-Password-Authentication', email: 'many@example.com', password: 'Passw0rd!long', app_metadata: { roles } },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^The user would hold 4\d indexed values; at most 40 can be indexed per user \(.*app_metadata\.roles: 40.*\)\.$/);
  });

  it('falls back to a budgeted scan for an undeclared path, and over the budget names the path to declare', async () => {
    expect(ids((await listUsers({ q: 'user_metadata.hobby:chess', page: 0, per_page: 100, include_totals: false } as never, 100_000)).users)).toEqual(
      where((u) => u.user_metadata.hobby === 'chess'),
    );
    await expect(listUsers({ q: 'user_metadata.hobby:chess OR updated_at:[2020 TO *]', page: 0, per_page: 10, include_totals: false } as never, 50)).rejects.toMatchObject({
      statusCode: 400,
      errorCode: 'query_too_expensive',
      message:
        "Query validation error: 'Searching user_metadata.hobby, updated_at without an index examines every user, and this tenant holds more than 50 items (LIST_SCAN_BUDGET). Declare an index on user_metadata.hobby (POST /api/v2/search-indexes). updated_at is not indexed: combine it with AND and a term on an indexed field.' on property q.",
    });
  });
});
