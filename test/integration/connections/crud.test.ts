import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { seedApplication } from '#test/support/logins';

/** /api/v2/connections: create, get, list, PATCH, as Auth0 answers them (strategy auth0). */

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

const AUTH0_DEFAULT_OPTIONS = {
  mfa: { active: true, return_enroll_settings: true },
  passwordPolicy: 'good',
  strategy_version: 2,
  brute_force_protection: true,
  authentication_methods: { password: { enabled: true }, passkey: { enabled: false } },
  passkey_options: { challenge_ui: 'both', progressive_enrollment_enabled: true, local_enrollment_enabled: true },
};

async function create(body: Record<string, unknown>) {
  return call('connections-create', { scopes: ['create:connections'], body: { strategy: 'auth0', ...body } });
}

describe('POST /api/v2/connections', () => {
  it("creates a database connection with Auth0's defaults (201)", async () => {
    const name = unique('db');
    const res = await create({ name });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/),
      options: AUTH0_DEFAULT_OPTIONS,
      strategy: 'auth0',
      name,
      is_domain_connection: false,
      realms: [name],
      enabled_clients: [],
    });
    expect(Object.keys(res.body)).toEqual(['id', 'options', 'strategy', 'name', 'is_domain_connection', 'realms', 'enabled_clients']);
    const got = await call('connections-get', { scopes: ['read:connections'], params: { id: res.body.id } });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('keeps what the body sets: display_name, options over the defaults, enabled_clients, metadata, realms', async () => {
    const app = await seedApplication();
    const name = unique('full');
    const res = await create({
      name,
      display_name: 'Full <b>one</b>',
      show_as_button: true,
      options: { passwordPolicy: 'excellent', requires_username: true, validation: { username: { min: 3, max: 20 } }, disable_signup: true },
      enabled_clients: [app.client_id, app.client_id],
      is_domain_connection: true,
      realms: ['example.com'],
      metadata: { team: 'identity' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      options: { ...AUTH0_DEFAULT_OPTIONS, passwordPolicy: 'excellent', requires_username: true, validation: { username: { min: 3, max: 20 } }, disable_signup: true },
      strategy: 'auth0',
      name,
      display_name: 'Full <b>one</b>',
      show_as_button: true,
      is_domain_connection: true,
      realms: ['example.com'],
      enabled_clients: [app.client_id],
      metadata: { team: 'identity' },
    });
  });

  it('answers 409 connection_conflict for a name taken', async () => {
    const name = unique('twice');
    expect((await create({ name })).status).toBe(201);
    const again = await create({ name });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'A connection with the same name already exists', errorCode: 'connection_conflict' });
  });

  it('refuses strategies other than auth0, clearly', async () => {
    const res = await create({ name: unique('social'), strategy: 'google-oauth2' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: `Payload validation error: 'Strategy "google-oauth2" is not supported here; only "auth0" (database) connections are' on property strategy.`,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing name', { name: undefined }, "Payload validation error: 'Missing required property: name'."],
    ['a missing strategy', { strategy: undefined, name: 'x' }, "Payload validation error: 'Missing required property: strategy'."],
    ['a name starting with -', { name: '-bad' }, 'String does not match pattern'],
    ['a name with a space', { name: 'bad name' }, 'String does not match pattern'],
    ['a name with <script>', { name: '<script>alert(1)</script>' }, 'String does not match pattern'],
    ['a name with odd unicode', { name: 'caf\u00e9-\u202e-x' }, 'String does not match pattern'],
    ['a display_name over 128', { name: 'ok', display_name: 'd'.repeat(129) }, 'String is too long (129 chars), maximum 128'],
    ['realms of 11', { name: 'ok', realms: Array.from({ length: 11 }, (_, i) => `r${i}`) }, 'Array is too long (11), maximum 10'],
    ['a name over 128', { name: 'a'.repeat(129) }, 'String is too long (129 chars), maximum 128'],
    ['an unknown field', { name: 'ok', colour: 'red' }, "Payload validation error: 'Additional properties not allowed: colour'."],
    ['__proto__ at the root', JSON.parse('{"name":"ok","__proto__":{"admin":true}}'), "Payload validation error: 'Additional properties not allowed: __proto__'."],
    ['metadata with 11 keys', { name: 'ok', metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }, 'Too many properties defined, maximum 10'],
    ['a metadata value over 255', { name: 'ok', metadata: { k: 'v'.repeat(256) } }, 'String is too long (256 chars), maximum 255'],
    ['metadata __proto__', { name: 'ok', metadata: JSON.parse('{"__proto__":"x"}') }, 'Property names __proto__, constructor, prototype are not allowed'],
    ['enabled_clients not an array', { name: 'ok', enabled_clients: 'abc' }, 'Expected type array but found type string'],
    ['an unknown option', { name: 'ok', options: { passwordPolicy: 'good', frobnicate: true } }, "Payload validation error: 'Additional properties not allowed: frobnicate'."],
    ['options not an object', { name: 'ok', options: [1] }, 'Expected type object but found type array'],
  ])('refuses %s (400)', async (_, change, message) => {
    const body = Object.fromEntries(Object.entries({ name: unique('bad'), strategy: 'auth0', ...change }).filter(([, v]) => v !== undefined));
    const res = await call('connections-create', { scopes: ['create:connections'], body });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('invalid_body');
    expect(res.body.message).toContain(message);
  });

  it('keeps odd unicode and markup in display_name and metadata verbatim (JSON-escaped, never interpreted)', async () => {
    const odd = '\u202e<img src=x onerror=alert(1)>\u0000\ud83d\udca5';
    const res = await create({ name: unique('odd'), display_name: odd, metadata: { note: odd } });
    expect(res.status).toBe(201);
    const got = await call('connections-get', { scopes: ['read:connections'], params: { id: res.body.id } });
    expect(got.body.display_name).toBe(odd);
    expect(got.body.metadata).toEqual({ note: odd });
    expect(got.headers['content-type']).toContain('application/json');
  });

  it('refuses an enabled client that does not exist', async () => {
    const res = await create({ name: unique('ghost'), enabled_clients: ['NoSuchClient123'] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body',
      message: "Payload validation error: 'The client NoSuchClient123 does not exist' on property enabled_clients.",
    });
  });

  it('answers 401 without a token and 403 without the scope', async () => {
    const none = await call('connections-create', { body: { name: unique('x'), strategy: 'auth0' } });
    expect(none.status).toBe(401);
    const wrong = await call('connections-create', { scopes: ['read:connections'], body: { name: unique('x'), strategy: 'auth0' } });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:connections', errorCode: 'insufficient_scope' });
    for (const id of ['connections-list', 'connections-get'] as const) {
      const res = await call(id, { scopes: ['create:connections'], params: { id: 'con_x' } });
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('Insufficient scope, expected any of: read:connections');
    }
    const patch = await call('connections-update', { scopes: ['read:connections'], params: { id: 'con_x' }, body: {} });
    expect(patch.body.message).toBe('Insufficient scope, expected any of: update:connections');
    const del = await call('connections-delete', { scopes: ['read:connections'], params: { id: 'con_x' } });
    expect(del.body.message).toBe('Insufficient scope, expected any of: delete:connections');
  });
});

describe('GET /api/v2/connections/{id}', () => {
  it('answers 404 inexistent_connection for an unknown id, even a hostile one', async () => {
    for (const id of ['con_AAAAAAAAAAAAAAAA', '../../etc', "' OR 1=1 --", '💥']) {
      const res = await call('connections-get', { scopes: ['read:connections'], params: { id } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The connection does not exist', errorCode: 'inexistent_connection' });
    }
    const long = await call('connections-get', { scopes: ['read:connections'], params: { id: 'c'.repeat(65) } });
    expect(long.status).toBe(400);
  });

  it('projects fields', async () => {
    const created = await create({ name: unique('fields') });
    const only = await call('connections-get', { scopes: ['read:connections'], params: { id: created.body.id }, query: { fields: 'name,strategy' } });
    expect(only.body).toEqual({ strategy: 'auth0', name: created.body.name });
    const without = await call('connections-get', { scopes: ['read:connections'], params: { id: created.body.id }, query: { fields: 'options', include_fields: 'false' } });
    expect(without.body.options).toBeUndefined();
    expect(without.body.name).toBe(created.body.name);
    const bad = await call('connections-get', { scopes: ['read:connections'], params: { id: created.body.id }, query: { fields: 'password_hash' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('invalid_query_string');
  });
});

describe('GET /api/v2/connections', () => {
  it('lists by name and strategy (repeatable), pages, and gives totals', async () => {
    const prefix = unique('list');
    const names = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`];
    for (const name of names) expect((await create({ name })).status).toBe(201);

    const all = await call('connections-list', { scopes: ['read:connections'] });
    expect(all.status).toBe(200);
    const listed = (all.body as { name: string }[]).map((c) => c.name);
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(expect.arrayContaining([...names, 'Username-Password-Authentication']));

    const byName = await call('connections-list', { scopes: ['read:connections'], query: { name: `${prefix}-b` } });
    expect(byName.body.map((c: { name: string }) => c.name)).toEqual([`${prefix}-b`]);

    const social = await call('connections-list', { scopes: ['read:connections'], query: { strategy: 'google-oauth2' } });
    expect(social.body).toEqual([]);
    const both = await call('connections-list', { scopes: ['read:connections'], query: [['strategy', 'google-oauth2'], ['strategy', 'auth0']] as unknown as Record<string, string> });
    expect(both.body.length).toBe(all.body.length);

    const page = await call('connections-list', { scopes: ['read:connections'], query: { per_page: '2', page: '1', include_totals: 'true', fields: 'name' } });
    expect(page.body).toEqual({ start: 2, limit: 2, total: all.body.length, connections: listed.slice(2, 4).map((name) => ({ name })) });

    for (const query of [{ per_page: '101' }, { page: '-1' }, { include_totals: 'yes' }, { colour: 'red' }, { fields: 'name;drop' }, { take: '0' }, { take: '101' }] as Record<string, string>[]) {
      const bad = await call('connections-list', { scopes: ['read:connections'], query });
      expect(bad.status).toBe(400);
      expect(bad.body.errorCode).toBe('invalid_query_string');
    }
  });
});

describe('GET /api/v2/connections with from and take (checkpoint paging)', () => {
  it('pages by name with an opaque next, absent on the last page', async () => {
    const prefix = unique('ckpt');
    for (const suffix of ['a', 'b', 'c']) expect((await create({ name: `${prefix}-${suffix}` })).status).toBe(201);
    const names: string[] = [];
    let from: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const res = await call('connections-list', { scopes: ['read:connections'], query: { take: '2', fields: 'name', ...(from ? { from } : {}) } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(res.body.next ? ['connections', 'next'] : ['connections']);
      names.push(...res.body.connections.map((c: { name: string }) => c.name));
      from = res.body.next;
      if (!from) break;
    }
    const all = (await call('connections-list', { scopes: ['read:connections'], query: { fields: 'name' } })).body.map((c: { name: string }) => c.name);
    expect(names).toEqual(all);
    expect(names).toEqual(expect.arrayContaining([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]));
  });
});

describe('PATCH /api/v2/connections/{id}', () => {
  it('replaces options whole, sets display_name, metadata, realms, enabled_clients', async () => {
    const app = await seedApplication();
    const created = await create({ name: unique('patch'), options: { passwordPolicy: 'fair', requires_username: true } });
    const res = await call('connections-update', {
      scopes: ['update:connections'],
      params: { id: created.body.id },
      body: { options: { passwordPolicy: 'low' }, display_name: 'Patched', metadata: { a: 'b' }, realms: ['r1'], enabled_clients: [app.client_id] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...created.body,
      options: { passwordPolicy: 'low' },
      display_name: 'Patched',
      metadata: { a: 'b' },
      realms: ['r1'],
      enabled_clients: [app.client_id],
    });
    const got = await call('connections-get', { scopes: ['read:connections'], params: { id: created.body.id } });
    expect(got.body).toEqual(res.body);

    const untouched = await call('connections-update', { scopes: ['update:connections'], params: { id: created.body.id }, body: { display_name: 'Again' } });
    expect(untouched.body.options).toEqual({ passwordPolicy: 'low' });
  });

  it('refuses name and strategy (400) and unknown ids (404)', async () => {
    const created = await create({ name: unique('fixed') });
    for (const body of [{ name: 'renamed' }, { strategy: 'auth0' }]) {
      const res = await call('connections-update', { scopes: ['update:connections'], params: { id: created.body.id }, body });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(`Payload validation error: 'Additional properties not allowed: ${Object.keys(body)[0]}'.`);
    }
    const missing = await call('connections-update', { scopes: ['update:connections'], params: { id: 'con_0000000000000000' }, body: { display_name: 'x' } });
    expect(missing.status).toBe(404);
    expect(missing.body.errorCode).toBe('inexistent_connection');
  });

  it('answers 400 for malformed JSON and oversized bodies', async () => {
    const created = await create({ name: unique('raw') });
    const malformed = await call('connections-update', { scopes: ['update:connections'], params: { id: created.body.id }, rawBody: '{"display_name":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    const huge = await call('connections-update', {
      scopes: ['update:connections'],
      params: { id: created.body.id },
      body: { options: { customScripts: { login: 'x'.repeat(60 * 1024) } } },
    });
    expect(huge.status).toBe(400);
    expect(huge.body.message).toContain('Script is larger than 51200 bytes');
  });
});


