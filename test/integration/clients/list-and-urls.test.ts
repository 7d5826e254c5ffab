import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';

/** GET /api/v2/clients (paging, totals, fields, filters) and Auth0's URL and wildcard rules. */

const create = (body: Record<string, unknown>) => call('clients-create', { scopes: ['create:clients'], body });
const list = (query: Record<string, string> = {}) => call('clients-list', { scopes: ['read:clients'], query });

describe('GET /api/v2/clients', () => {
  const tag = Math.random().toString(36).slice(2, 8);
  const ids: string[] = [];
  beforeAll(async () => {
    for (const [i, app_type] of (['spa', 'native', 'regular_web', 'spa'] as const).entries()) {
      const res = await create({ name: `list-${tag}-${i}`, app_type, is_first_party: i !== 3 });
      ids.push(res.body.client_id);
    }
  });

  it('answers a bare array by default, in creation order, without secrets', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const mine = (res.body as { client_id: string }[]).map((c) => c.client_id).filter((id) => ids.includes(id));
    expect(mine).toEqual(ids);
    expect(res.body.every((c: Record<string, unknown>) => !('client_secret' in c))).toBe(true);
  });

  it('pages with page and per_page, and include_totals answers {start, limit, total, clients}', async () => {
    const all = (await list()).body as unknown[];
    const res = await list({ page: '1', per_page: '2', include_totals: 'true' });
    expect(res.body).toEqual({ start: 2, limit: 2, total: all.length, clients: all.slice(2, 4) });
    expect((await list({ page: '1000', per_page: '100' })).body).toEqual([]);
    expect((await list({ per_page: '101' })).status).toBe(400);
    expect((await list({ page: '-1' })).status).toBe(400);
    expect((await list({ include_totals: 'yes' })).status).toBe(400);
  });

  it('filters by app_type (a comma list), is_first_party and client_ids, and projects fields', async () => {
    const spas = (await list({ app_type: 'spa,native', fields: 'client_id,app_type' })).body as { client_id: string; app_type: string }[];
    expect(spas.filter((c) => ids.includes(c.client_id))).toEqual([
      { client_id: ids[0], app_type: 'spa' }, { client_id: ids[1], app_type: 'native' }, { client_id: ids[3], app_type: 'spa' },
    ]);
    expect(spas.every((c) => c.app_type === 'spa' || c.app_type === 'native')).toBe(true);
    const third = (await list({ is_first_party: 'false', fields: 'client_id' })).body as { client_id: string }[];
    expect(third).toContainEqual({ client_id: ids[3] });
    expect(third).not.toContainEqual({ client_id: ids[0] });
    expect((await list({ client_ids: `${ids[1]},${ids[2]}`, fields: 'name' })).body).toEqual([{ name: `list-${tag}-1` }, { name: `list-${tag}-2` }]);
    expect((await list({ is_global: 'true' })).body).toEqual([]);
    const bad = await list({ app_type: 'spa,box' });
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('invalid_query_string');
    expect((await list({ fields: 'client_secret_hash' })).status).toBe(400);
    expect((await list({ q: 'name:x' })).status).toBe(400);
  });
});

describe('callback, logout and origin URLs', () => {
  const accepts = async (field: string, url: string) => (await create({ name: 'urls', [field]: [url] })).status;

  it("accepts Auth0's subdomain wildcards: once, in the left-most label, with a prefix or suffix", async () => {
    for (const url of ['https://*.example.com/cb', 'https://pre-*.example.com/cb', 'https://*-suf.example.com', 'http://*.dev.example.com:8080/cb', 'http://localhost:3000/callback', 'http://app.example.com/cb', 'myapp://callback']) {
      expect({ url, status: await accepts('callbacks', url) }).toEqual({ url, status: 201 });
    }
    for (const url of ['https://*.example.com', 'https://app.example.com:8443', 'https://app.example.com/']) {
      expect({ url, status: await accepts('web_origins', url) }).toEqual({ url, status: 201 });
    }
  });

  it('refuses wildcards anywhere else, twice, in other schemes, and bad URLs', async () => {
    const refused: [string, string, RegExp][] = [
      ['callbacks', 'https://*.com/cb', /at least two domain labels/],
      ['callbacks', 'https://*/cb', /at least two domain labels/],
      ['callbacks', 'https://a.*.example.com/cb', /left-most subdomain/],
      ['callbacks', 'https://example.*/cb', /left-most subdomain/],
      ['callbacks', 'https://*.*.example.com/cb', /only once/],
      ['callbacks', 'https://app.example.com/*', /left-most subdomain/],
      ['callbacks', 'https://app.example.com/cb?x=*', /left-most subdomain/],
      ['callbacks', 'myapp://*.example.com/cb', /http and https URLs only/],
      ['callbacks', 'https://*.1.2.3/cb', /Invalid URL|IP addresses/],
      ['allowed_logout_urls', 'javascript:alert(1)//', /scheme javascript: is not allowed/],
      ['allowed_logout_urls', 'data:text/html,<script>alert(1)</script>', /scheme data: is not allowed/],
      ['callbacks', 'https://user:pass@app.example.com/cb', /credentials/],
      ['callbacks', 'https://app.example.com/c b', /whitespace/],
      ['callbacks', '/relative/path', /Invalid URL/],
      ['callbacks', `https://app.example.com/${'x'.repeat(1100)}`, /longer than 1024/],
      ['callbacks', 'https://{organization_name}.example.com', /organization_name/],
      ['web_origins', 'https://app.example.com/path', /must not contain a path/],
      ['web_origins', 'https://app.example.com?q=1', /must not contain a path/],
      ['allowed_origins', 'myapp://callback', /http or https/],
    ];
    for (const [field, url, message] of refused) {
      const res = await create({ name: 'urls', [field]: [url] });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body.message).toMatch(message);
      expect(res.body.message).toContain(`on property ${field}[0]`);
    }
  });

  it('caps each list at 100 and all URL lists together at 64 KB', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `https://a${i}.example.com/cb`);
    expect((await create({ name: 'urls', callbacks: many })).body.message).toMatch(/Array is too long \(101\), maximum 100' on property callbacks/);
    const long = (n: number) => Array.from({ length: 100 }, (_, i) => `https://a${i}-${n}.example.com/${'p'.repeat(900)}`);
    const res = await create({ name: 'urls', callbacks: long(1), allowed_logout_urls: long(2) });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/together must stay under 65536 bytes/);
  });

  it('checks URLs on PATCH too', async () => {
    const { body } = await create({ name: 'urls' });
    const res = await call('clients-update', { scopes: ['update:clients'], params: { id: body.client_id }, body: { callbacks: ['https://a.*.com'] } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/left-most subdomain of the host: https:\/\/a\.\*\.com' on property callbacks\[0\]/);
  });
});
