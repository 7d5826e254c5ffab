import { describe, expect, it } from 'vitest';
import { MAX_DECLARED_INDEXES, ROOT_INDEXED_FIELDS } from '#shared/management/search-indexes/model';
import { call } from '#test/support/api';
import { declaration, declare, entriesOf, INDEX_SCOPES, jobsFor, jobWhenEnded } from '#test/integration/search-indexes/helpers';

/** /api/v2/search-indexes and /api/v2/jobs/{id}: shapes, validation, scopes. This file's table starts with no users. */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const JOB_ID = /^job_[A-Za-z0-9]{16}$/;
const DESCRIPTION = '(Metadata path to index, e.g. app_metadata.plan)';

const create = (body: unknown, scopes = INDEX_SCOPES) => call('search-indexes-create', { scopes, body });
const badBody = (message: string) => ({ statusCode: 400, error: 'Bad Request', message: `Payload validation error: ${message}`, errorCode: 'invalid_body' });

describe('POST /api/v2/search-indexes', () => {
  it('declares a metadata path: 201 with the index building and its backfill job', async () => {
    const res = await create({ path: 'app_metadata.plan', type: 'string' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['path', 'type', 'builtin', 'status', 'mixed', 'created_at', 'job_id']);
    expect(res.body).toEqual({
      path: 'app_metadata.plan', type: 'string', builtin: false, status: 'building', mixed: false, created_at: expect.stringMatching(ISO), job_id: expect.stringMatching(JOB_ID),
    });
    const job = await jobWhenEnded(res.body.job_id);
    expect(job).toEqual({
      type: 'search_index_backfill', status: 'completed', created_at: res.body.created_at, id: res.body.job_id, percentage_done: 100,
      path: 'app_metadata.plan', processed_users: 0, type_mismatches: 0,
    });
    expect((await call('search-indexes-get', { scopes: INDEX_SCOPES, params: { path: 'app_metadata.plan' } })).body).toMatchObject({ status: 'ready', mixed: false });
  });

  it('refuses a path declared already (409)', async () => {
    await declare('user_metadata.lang');
    const res = await create({ path: 'user_metadata.lang', type: 'number' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'A search index on user_metadata.lang already exists', errorCode: 'search_index_conflict' });
  });

  it('refuses paths that are not metadata keys, with the reason', async () => {
    const cases: [string, string][] = [
      ['email', 'The path must start with user_metadata. or app_metadata. and name at least one key (root fields are indexed already)'],
      ['user_metadata', 'The path must start with user_metadata. or app_metadata. and name at least one key (root fields are indexed already)'],
      ['app_metadata.', 'Invalid key in app_metadata: keys may not be empty'],
      ['app_metadata.a..b', 'Invalid key in app_metadata.a: keys may not be empty'],
      ['user_metadata.$set', 'Invalid key "$set" in user_metadata: keys may not contain "." or start with "$"'],
      ['user_metadata.a.__proto__', 'Invalid key "__proto__" in user_metadata.a'],
      ['app_metadata.email', 'app_metadata.email is a reserved name and cannot be set'],
      ['user_metadata.discount%', 'Keys containing "%" cannot be indexed'],
      [`user_metadata.${'k.'.repeat(10)}k`, 'The path is nested deeper than 10 levels (METADATA_MAX_DEPTH)'],
    ];
    for (const [path, reason] of cases) {
      const res = await create({ path, type: 'string' });
      expect(res.status, path).toBe(400);
      expect(res.body, path).toEqual(badBody(`'${reason}' on property path ${DESCRIPTION}.`));
    }
  });

  it('refuses an unknown type, missing properties and unknown ones', async () => {
    expect((await create({ path: 'user_metadata.age', type: 'date' })).body).toEqual(
      badBody(`'No enum match for: "date"' on property type (Type of the values at the path).`),
    );
    expect((await create({ path: 'user_metadata.age' })).body).toEqual(badBody("'Missing required property: type'."));
    expect((await create({ path: 'user_metadata.age', type: 'number', shards: 4 })).body).toEqual(badBody("'Additional properties not allowed: shards'."));
    expect((await create({ path: 7, type: 'number' })).body).toEqual(
      badBody(`'Expected type string but found type integer' on property path ${DESCRIPTION}.`),
    );
  });

  it('needs create:search_indexes (403)', async () => {
    const res = await create({ path: 'user_metadata.x', type: 'string' }, ['read:search_indexes', 'create:users']);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:search_indexes', errorCode: 'insufficient_scope' });
  });
});

describe('GET /api/v2/search-indexes', () => {
  it('lists the built-in root fields first, then the declared paths', async () => {
    await declare('app_metadata.region');
    const res = await call('search-indexes-list', { scopes: ['read:search_indexes'] });
    expect(res.status).toBe(200);
    const builtins = res.body.slice(0, ROOT_INDEXED_FIELDS.size);
    expect(builtins.map((i: { path: string }) => i.path)).toEqual([...ROOT_INDEXED_FIELDS.keys()]);
    expect(builtins[0]).toEqual({ path: 'user_id', type: 'string', builtin: true, status: 'ready' });
    expect(builtins.find((i: { path: string }) => i.path === 'created_at')).toEqual({ path: 'created_at', type: 'date', builtin: true, status: 'ready' });
    expect(builtins.find((i: { path: string }) => i.path === 'blocked')).toEqual({ path: 'blocked', type: 'boolean', builtin: true, status: 'ready' });
    expect(res.body.find((i: { path: string }) => i.path === 'app_metadata.region')).toMatchObject({ builtin: false, type: 'string' });
  });

  it('reads one index by its (URL-encoded) path, built-in or declared; 404 for others', async () => {
    const created = await declare('user_metadata.home city', 'string');
    const declared = await call('search-indexes-get', { scopes: ['read:search_indexes'], params: { path: 'user_metadata.home city' } });
    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({ path: 'user_metadata.home city', builtin: false, job_id: created.job_id });
    const builtin = await call('search-indexes-get', { scopes: ['read:search_indexes'], params: { path: 'email' } });
    expect(builtin.body).toEqual({ path: 'email', type: 'string', builtin: true, status: 'ready' });
    const unknown = await call('search-indexes-get', { scopes: ['read:search_indexes'], params: { path: 'user_metadata.nope' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The search index does not exist.', errorCode: 'inexistent_search_index' });
  });

  it('needs read:search_indexes (403)', async () => {
    const res = await call('search-indexes-list', { scopes: ['create:search_indexes'] });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Insufficient scope, expected any of: read:search_indexes');
  });
});

describe('DELETE /api/v2/search-indexes/{path}', () => {
  it('removes the declaration at once (204) and a cleanup job deletes its entries', async () => {
    await declare('app_metadata.doomed');
    const stored = (await declaration('app_metadata.doomed'))!;
    await jobWhenEnded(stored.job_id);
    const res = await call('search-indexes-delete', { scopes: ['delete:search_indexes'], params: { path: 'app_metadata.doomed' } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await call('search-indexes-get', { scopes: INDEX_SCOPES, params: { path: 'app_metadata.doomed' } })).status).toBe(404);
    const [cleanup] = await jobsFor('search_index_cleanup', 'app_metadata.doomed');
    const job = await jobWhenEnded(String(cleanup?.id));
    expect(job).toEqual({
      type: 'search_index_cleanup', status: 'completed', created_at: expect.stringMatching(ISO), id: cleanup?.id, percentage_done: 100,
      path: 'app_metadata.doomed', deleted_entries: 0,
    });
    expect(await entriesOf('app_metadata.doomed', stored.generation, stored.shards)).toEqual([]);
  });

  it('refuses built-in indexes (400) and answers 404 for unknown paths', async () => {
    const builtin = await call('search-indexes-delete', { scopes: INDEX_SCOPES, params: { path: 'email' } });
    expect(builtin.status).toBe(400);
    expect(builtin.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'email is a built-in search index and cannot be deleted.', errorCode: 'builtin_search_index' });
    const unknown = await call('search-indexes-delete', { scopes: INDEX_SCOPES, params: { path: 'user_metadata.never' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errorCode).toBe('inexistent_search_index');
  });

  it('needs delete:search_indexes (403)', async () => {
    const res = await call('search-indexes-delete', { scopes: ['read:search_indexes', 'create:search_indexes'], params: { path: 'app_metadata.plan' } });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Insufficient scope, expected any of: delete:search_indexes');
  });
});

describe('GET /api/v2/jobs/{id}', () => {
  it("answers 404 in Auth0's words for an unknown job", async () => {
    const res = await call('jobs-get', { scopes: ['read:users'], params: { id: 'job_0000000000000000' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The job does not exist.', errorCode: 'inexistent_job' });
  });

  it("needs create:users or read:users, as Auth0's does (403)", async () => {
    const res = await call('jobs-get', { scopes: ['read:search_indexes'], params: { id: 'job_0000000000000000' } });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Insufficient scope, expected any of: create:users,read:users');
    const created = await call('jobs-get', { scopes: ['create:users'], params: { id: 'job_0000000000000000' } });
    expect(created.status).toBe(404);
  });
});

describe('the limit of declared indexes', () => {
  it(`refuses more than ${MAX_DECLARED_INDEXES} declared paths (400)`, async () => {
    const list = await call('search-indexes-list', { scopes: INDEX_SCOPES });
    const declared = list.body.filter((i: { builtin: boolean }) => !i.builtin).length;
    const jobs: string[] = [];
    for (let i = declared; i < MAX_DECLARED_INDEXES; i++) jobs.push((await declare(`user_metadata.filler${i}`, 'number')).job_id);
    const res = await create({ path: 'user_metadata.one_too_many', type: 'number' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: `At most ${MAX_DECLARED_INDEXES} search indexes can be declared; delete one first.`, errorCode: 'too_many_search_indexes',
    });
    for (const id of jobs) expect((await jobWhenEnded(id)).status).toBe('completed');
  });
});
