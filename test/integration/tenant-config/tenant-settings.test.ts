import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { idleSessionLifetimeHours, loadTenantSettings, sessionLifetimeHours } from '#shared/tenant/settings';

/** GET/PATCH /api/v2/tenants/settings. The tests share one table, in order. */
const READ = ['read:tenant_settings'];
const UPDATE = ['update:tenant_settings'];
const get = (query?: Record<string, string>) => call('tenant-settings-get', { scopes: READ, ...(query ? { query } : {}) });
const patch = (body: unknown) => call('tenant-settings-update', { scopes: UPDATE, body });
const badBody = (detail: string) => ({ statusCode: 400, error: 'Bad Request', message: `Payload validation error: ${detail}`, errorCode: 'invalid_body' });

const DEFAULTS = {
  allowed_logout_urls: [],
  enabled_locales: ['en'],
  flags: { enable_sso: true, universal_login: true, new_universal_login_experience_enabled: true, disable_impersonation: true, disable_clickjack_protection_headers: false },
  idle_session_lifetime: 72,
  session_lifetime: 168,
  sandbox_version: '22',
  session_cookie: { mode: 'persistent' },
  sandbox_versions_available: ['22', '18'],
};

describe('/api/v2/tenants/settings', () => {
  it("answers Auth0's defaults before anything is set, and the read side applies them", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual(DEFAULTS);
    const stored = await loadTenantSettings();
    expect(stored).toEqual({});
    expect([sessionLifetimeHours(stored), idleSessionLifetimeHours(stored)]).toEqual([168, 72]);
  });

  it("stores the go-auth0 recording's fields and answers the whole settings object", async () => {
    const body = {
      friendly_name: 'My Example Tenant',
      picture_url: 'https://example.com/logo.png',
      support_email: 'support@example.com',
      support_url: 'https://support.example.com',
      allowed_logout_urls: ['https://app.com/logout', 'http://localhost/logout', 'https://*.example.com/bye'],
      session_lifetime: 1080,
      idle_session_lifetime: 720,
      default_redirection_uri: 'https://example.com/login',
      enabled_locales: ['fr', 'en', 'es'],
      session_cookie: { mode: 'non-persistent' },
      acr_values_supported: ['foo', 'bar'],
      default_audience: 'https://api.example.com',
      default_directory: 'Username-Password-Authentication',
      sandbox_version: '18',
    };
    const res = await patch(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...DEFAULTS, ...body });
    expect((await get()).body).toEqual({ ...DEFAULTS, ...body });
    const stored = await loadTenantSettings();
    expect(stored.allowed_logout_urls).toEqual(body.allowed_logout_urls);
    expect([sessionLifetimeHours(stored), idleSessionLifetimeHours(stored)]).toEqual([1080, 720]);
  });

  it('merges: fields not sent stay, flags merge key by key, arrays are replaced, null clears acr_values_supported', async () => {
    await patch({ flags: { enable_sso: false, revoke_refresh_token_grant: true } });
    const res = await patch({ friendly_name: 'Renamed', flags: { enable_sso: true }, enabled_locales: ['de'], acr_values_supported: null, session_cookie: null });
    expect(res.status).toBe(200);
    expect(res.body.friendly_name).toBe('Renamed');
    expect(res.body.support_email).toBe('support@example.com');
    expect(res.body.flags).toEqual({ ...DEFAULTS.flags, enable_sso: true, revoke_refresh_token_grant: true });
    expect(res.body.enabled_locales).toEqual(['de']);
    expect(res.body).not.toHaveProperty('acr_values_supported');
    expect(res.body.session_cookie).toEqual({ mode: 'persistent' });
  });

  it('answers only the fields asked for (fields, include_fields)', async () => {
    expect((await get({ fields: 'friendly_name,session_lifetime' })).body).toEqual({ friendly_name: 'Renamed', session_lifetime: 1080 });
    const without = (await get({ fields: 'flags', include_fields: 'false' })).body;
    expect(without).not.toHaveProperty('flags');
    expect(without.friendly_name).toBe('Renamed');
    expect((await get({ include_fields: 'maybe' })).status).toBe(400);
  });

  it("refuses session lifetimes outside Auth0's caps (hours)", async () => {
    expect((await patch({ session_lifetime: 8761 })).body).toEqual(badBody("'Value 8761 is greater than maximum 8760' on property session_lifetime (Number of hours a session will stay valid)."));
    expect((await patch({ idle_session_lifetime: 2401 })).status).toBe(400);
    expect((await patch({ session_lifetime: 0 })).status).toBe(400);
    expect((await patch({ idle_session_lifetime: -1 })).status).toBe(400);
    expect((await patch({ session_lifetime: '168' })).status).toBe(400);
    expect((await patch({ session_lifetime: 8760, idle_session_lifetime: 2400 })).status).toBe(200);
    expect((await patch({ session_lifetime: 0.5, idle_session_lifetime: 0.25 })).body).toMatchObject({ session_lifetime: 0.5, idle_session_lifetime: 0.25 });
  });

  it("refuses logout URLs the clients' rules refuse, and non-https picture/support URLs", async () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'https://a.*.example.com', 'https://*.com', 'not a url', 'https://u:p@a.example.com']) {
      const res = await patch({ allowed_logout_urls: ['https://ok.example.com', url] });
      expect(res.status, url).toBe(400);
      expect(res.body.message, url).toContain('on property allowed_logout_urls[1]');
    }
    expect((await patch({ allowed_logout_urls: Array.from({ length: 101 }, (_, i) => `https://a${i}.example.com`) })).status).toBe(400);
    for (const field of ['picture_url', 'support_url', 'default_redirection_uri']) {
      for (const url of ['http://a.example.com', 'javascript:alert(1)']) {
        const res = await patch({ [field]: url });
        expect(res.status, `${field} ${url}`).toBe(400);
        expect(res.body.message).toContain(`Object didn't pass validation for format absolute-https-uri-or-empty: ${url}' on property ${field}`);
      }
    }
    expect((await patch({ support_email: 'not-an-email' })).status).toBe(400);
    expect((await patch({ support_email: '<script>@x.y' })).status).toBe(400);
    expect((await get()).body.allowed_logout_urls).toEqual(['https://app.com/logout', 'http://localhost/logout', 'https://*.example.com/bye']);
  });

  it('refuses unknown fields and flags, bad enums, __proto__ keys, malformed JSON and a 1 MB body', async () => {
    expect((await patch({ tenant_id: 'x' })).body).toEqual(badBody("'Additional properties not allowed: tenant_id'."));
    expect((await patch({ flags: { made_up_flag: true } })).body).toEqual(badBody("'Additional properties not allowed: made_up_flag'."));
    expect((await patch({ flags: { enable_sso: 'yes' } })).status).toBe(400);
    expect((await patch({ session_cookie: { mode: 'forever' } })).status).toBe(400);
    expect((await patch({ enabled_locales: ['xx'] })).status).toBe(400);
    expect((await patch({ enabled_locales: ['en', 'en'] })).status).toBe(400);
    expect((await patch({ sandbox_version: '8' })).status).toBe(400);
    expect((await patch({ friendly_name: 'x'.repeat(256) })).status).toBe(400);
    expect((await patch({ friendly_name: null })).status).toBe(400);
    const proto = await call('tenant-settings-update', { scopes: UPDATE, rawBody: '{"__proto__":{"friendly_name":"x"}}' });
    expect(proto.status).toBe(400);
    expect(proto.body.message).toContain('__proto__');
    expect((await call('tenant-settings-update', { scopes: UPDATE, rawBody: '{"flags":{"__proto__":true}}' })).status).toBe(400);
    expect((await call('tenant-settings-update', { scopes: UPDATE, rawBody: '{"friendly_name":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    const huge = await call('tenant-settings-update', { scopes: UPDATE, rawBody: JSON.stringify({ friendly_name: 'a'.repeat(1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(huge.status).toBe(413);
    // <script> in a name is stored as text (shown escaped by the pages), as Auth0 does.
    expect((await patch({ friendly_name: '<script>alert(1)</script> ☃' })).body.friendly_name).toBe('<script>alert(1)</script> ☃');
  });

  it("answers 403 with Auth0's message for a wrong scope, and 401 without a token", async () => {
    expect((await call('tenant-settings-get', { scopes: UPDATE })).body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: read:tenant_settings', errorCode: 'insufficient_scope',
    });
    expect((await call('tenant-settings-update', { scopes: READ, body: {} })).body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: update:tenant_settings', errorCode: 'insufficient_scope',
    });
    expect((await call('tenant-settings-get', {})).status).toBe(401);
  });

  it('two concurrent PATCHes of different fields both land', async () => {
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.all([
        patch({ friendly_name: `Name ${round}` }),
        patch({ support_url: `https://help${round}.example.com` }),
        patch({ flags: { [`enable_apis_section`]: round % 2 === 0 } }),
        patch({ session_lifetime: 100 + round }),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const after = (await get()).body;
      expect([after.friendly_name, after.support_url, after.flags.enable_apis_section, after.session_lifetime]).toEqual([
        `Name ${round}`, `https://help${round}.example.com`, round % 2 === 0, 100 + round,
      ]);
    }
  });

  it('a GET is one GetItem, a PATCH one GetItem and one PutItem', async () => {
    await get(); // the token's signing keys, read again after the last write's tenantChanged()
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    await get();
    await patch({ support_email: 'help@example.com' });
    stop();
    expect(seen.map((r) => r.db.commands)).toEqual([['GetItem'], ['GetItem', 'PutItem']]);
    expect((await loadTenantSettings()).support_email).toBe('help@example.com');
  });
});
