import { describe, expect, it } from 'vitest';
import type { HttpEvent } from '#shared/http/event';
import { ipKey, requestKeys } from '#shared/http/rate-limit-keys';
import { routeById, type RouteId } from '#shared/http/routes';

function event(headers: Record<string, string>, body: string, sourceIp = '198.51.100.4'): HttpEvent {
  return {
    rawPath: '/', rawQueryString: '', headers, body, isBase64Encoded: false,
    requestContext: { requestId: 'r', http: { method: 'POST', path: '/', sourceIp } },
  };
}
const keys = (id: RouteId, e: HttpEvent) => requestKeys(routeById(id), e);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('ipKey', () => {
  it('keys IPv4 by address and IPv4-mapped IPv6 as IPv4', () => {
    expect(ipKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('keys IPv6 by its /64, however the address is written', () => {
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
    expect(ipKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('requestKeys', () => {
  it('reads the client and the password grant from a token request, form or JSON', () => {
    expect(keys('oauth-token', event(FORM, 'grant_type=password&client_id=app1&username=u&password=p'))).toEqual({
      ip: '198.51.100.4', clientId: 'app1', checksPassword: true,
    });
    const realm = JSON.stringify({ grant_type: 'http://auth0.com/oauth/grant-type/password-realm', client_id: 'app2' });
    expect(keys('oauth-token', event(JSON_TYPE, realm))).toMatchObject({ clientId: 'app2', checksPassword: true });
    expect(keys('oauth-token', event(FORM, 'grant_type=refresh_token&client_id=app1'))).toMatchObject({ checksPassword: false });
    expect(keys('oauth-token', event(FORM, 'grant_type=client_credentials&client_id=app1'))).toMatchObject({ checksPassword: false });
  });

  it('reads the client from Basic authentication', () => {
    const basic = `Basic ${Buffer.from('app%3A3:secret').toString('base64')}`;
    expect(keys('oauth-token', event({ ...FORM, authorization: basic }, 'grant_type=client_credentials'))).toMatchObject({ clientId: 'app:3' });
  });

  it('gives malformed requests no client instead of throwing (the handler answers them)', () => {
    expect(keys('oauth-token', event(JSON_TYPE, '{not json'))).toMatchObject({ clientId: undefined, checksPassword: false });
    expect(keys('oauth-token', event(JSON_TYPE, '["a"]'))).toMatchObject({ clientId: undefined });
    expect(keys('oauth-token', event(JSON_TYPE, '{"client_id":{"a":1}}'))).toMatchObject({ clientId: undefined });
    expect(keys('oauth-token', event({ ...FORM, authorization: 'Basic !!!' }, ''))).toMatchObject({ clientId: undefined });
    expect(keys('oauth-token', event(JSON_TYPE, '{"__proto__":"x","client_id":"a"}'))).toMatchObject({ clientId: 'a' });
  });

  it('counts every sign-up as a password check, and other routes as neither', () => {
    expect(keys('signup', event(JSON_TYPE, '{"client_id":"app1"}'))).toEqual({ ip: '198.51.100.4', clientId: 'app1', checksPassword: true });
    expect(keys('users-create', event(JSON_TYPE, '{"client_id":"x","password":"p"}'))).toEqual({
      ip: '198.51.100.4', clientId: undefined, checksPassword: false,
    });
  });
});
