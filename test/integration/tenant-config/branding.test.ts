import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { loadBranding } from '#shared/tenant/branding';

/**
 * GET/PATCH /api/v2/branding. The tests share one table, in order: each starts from what the
 * previous one left, so they clear what they set.
 */
const READ = ['read:branding'];
const UPDATE = ['update:branding'];
const get = () => call('branding-get', { scopes: READ });
const patch = (body: unknown) => call('branding-update', { scopes: UPDATE, body });
const badBody = (detail: string) => ({ statusCode: 400, error: 'Bad Request', message: `Payload validation error: ${detail}`, errorCode: 'invalid_body' });
const CLEAR = { colors: null, logo_url: null, favicon_url: null, font: null };

describe('/api/v2/branding', () => {
  it('answers {} before anything is set', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(await loadBranding()).toEqual({});
  });

  it("stores Auth0's shape (the go-auth0 recording's body) and answers the whole branding", async () => {
    const body = {
      colors: { primary: '#ea5323', page_background: { type: 'linear-gradient', start: '#000000', end: '#ffffff', angle_deg: 35 } },
      favicon_url: 'https://mycompany.org/favicon.ico',
      logo_url: 'https://mycompany.org/logo.png',
      font: { url: 'https://mycompany.org/font.otf' },
    };
    const res = await patch(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(body);
    expect((await get()).body).toEqual(body);
    expect(await loadBranding()).toEqual(body);

    // A solid background replaces the gradient.
    const solid = await patch({ colors: { primary: '#0059d6', page_background: '#000000' } });
    expect(solid.body.colors).toEqual({ primary: '#0059d6', page_background: '#000000' });
    expect((await patch(CLEAR)).body).toEqual({});
  });

  it('merges: top-level fields and the fields of colors and font are kept unless sent; null clears one', async () => {
    await patch({ colors: { primary: '#111', page_background: '#222222' }, logo_url: 'https://a.example/logo.png' });
    const one = await patch({ colors: { primary: '#333333' } });
    expect(one.body).toEqual({ colors: { primary: '#333333', page_background: '#222222' }, logo_url: 'https://a.example/logo.png' });
    const cleared = await patch({ colors: { page_background: null }, logo_url: null, favicon_url: 'https://a.example/f.ico' });
    expect(cleared.body).toEqual({ colors: { primary: '#333333' }, favicon_url: 'https://a.example/f.ico' });
    // "" is Auth0's empty URL: cleared too. A colors object left empty goes.
    const empty = await patch({ favicon_url: '', colors: { primary: null } });
    expect(empty.body).toEqual({});
    expect((await get()).body).toEqual({});
  });

  it('refuses colours outside #rgb / #rrggbb', async () => {
    for (const value of ['red', '#12', '#1234', '#12345g', 'rgb(0,0,0)', '#fff;background:url(x)', '']) {
      const res = await patch({ colors: { primary: value } });
      expect(res.status, value).toBe(400);
      expect(res.body, value).toEqual(badBody(`'String does not match pattern ^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$: ${value}' on property colors.primary.`));
    }
    expect((await patch({ colors: { page_background: { type: 'radial-gradient', start: '#000', end: '#fff', angle_deg: 1 } } })).status).toBe(400);
    expect((await patch({ colors: { page_background: { type: 'linear-gradient', start: 'black', end: '#fff', angle_deg: 1 } } })).status).toBe(400);
    expect((await patch({ colors: { page_background: { type: 'linear-gradient', start: '#000', end: '#fff' } } })).status).toBe(400);
    expect((await get()).body).toEqual({});
  });

  it('refuses http:, javascript:, data: and other non-https URLs', async () => {
    const urls = ['http://a.example/logo.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', '//a.example/x.png', 'https://user:pw@a.example/x.png',
      'https://a.example/x.png" onerror="alert(1)', 'https://a.example/ x.png', 'not a url'];
    for (const url of urls) {
      const res = await patch({ logo_url: url });
      expect(res.status, url).toBe(400);
      expect(res.body, url).toEqual(badBody(`'Object didn't pass validation for format absolute-https-uri-or-empty: ${url}' on property logo_url (URL for the logo. Must use HTTPS).`));
    }
    expect((await patch({ favicon_url: 'http://a.example/f.ico' })).status).toBe(400);
    expect((await patch({ font: { url: 'javascript:x' } })).status).toBe(400);
    expect((await get()).body).toEqual({});
  });

  it('refuses unknown fields, __proto__ keys, wrong types, malformed JSON and a 1 MB body', async () => {
    expect((await patch({ colors: { primary: '#fff', secondary: '#000' } })).body).toEqual(badBody("'Additional properties not allowed: secondary'."));
    expect((await patch({ theme: 'dark' })).body).toEqual(badBody("'Additional properties not allowed: theme'."));
    const proto = await call('branding-update', { scopes: UPDATE, rawBody: '{"__proto__":{"logo_url":"https://a.example/x.png"}}' });
    expect(proto.status).toBe(400);
    expect(proto.body.message).toContain('__proto__');
    expect((await call('branding-update', { scopes: UPDATE, rawBody: '{"colors":{"__proto__":{}}}' })).status).toBe(400);
    expect((await patch({ logo_url: 42 })).body).toEqual(badBody("'Expected type string but found type integer' on property logo_url (URL for the logo. Must use HTTPS)."));
    expect((await patch({ colors: '#fff' })).status).toBe(400);
    expect((await call('branding-update', { scopes: UPDATE, rawBody: '{"colors":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    const huge = await call('branding-update', { scopes: UPDATE, rawBody: JSON.stringify({ logo_url: `https://a.example/${'a'.repeat(1024 * 1024)}` }), headers: { 'content-type': 'application/json' } });
    expect(huge.status).toBe(413);
    expect((await patch({ logo_url: `https://a.example/${'a'.repeat(1100)}` })).status).toBe(400);
    expect((await get()).body).toEqual({});
  });

  it("answers 403 with Auth0's message for a wrong scope, and 401 without a token", async () => {
    expect((await call('branding-get', { scopes: UPDATE })).body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: read:branding', errorCode: 'insufficient_scope',
    });
    expect((await call('branding-update', { scopes: READ, body: {} })).body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: update:branding', errorCode: 'insufficient_scope',
    });
    const anonymous = await call('branding-update', { body: { logo_url: 'https://a.example/x.png' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errorCode).toBe('missing_authentication');
  });

  it('two concurrent PATCHes of different fields both land (conditional writes on a revision)', async () => {
    for (let round = 0; round < 3; round += 1) {
      await patch(CLEAR);
      const results = await Promise.all([
        patch({ logo_url: `https://a.example/${round}.png` }),
        patch({ colors: { primary: '#abcdef' } }),
        patch({ font: { url: 'https://a.example/f.woff2' } }),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect((await get()).body).toEqual({ logo_url: `https://a.example/${round}.png`, colors: { primary: '#abcdef' }, font: { url: 'https://a.example/f.woff2' } });
    }
    await patch(CLEAR);
  });

  it("a GET is one GetItem, a PATCH one GetItem and one PutItem, and the login page's read side sees the change at once", async () => {
    await get(); // the token's signing keys, read again after the last write's tenantChanged()
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    await get();
    await patch({ colors: { primary: '#000' } });
    stop();
    expect(seen.map((r) => r.db.commands)).toEqual([['GetItem'], ['GetItem', 'PutItem']]);
    expect(await loadBranding()).toEqual({ colors: { primary: '#000' } });
    await patch(CLEAR);
  });
});
