import { describe, expect, it } from 'vitest';
import { cspSource, pageHeaders } from '#shared/authentication/universal-login/pages/index';

describe('pageHeaders', () => {
  it("a screen's headers: nonce'd CSP, forms to this origin only, no framing, no caching, no referrer", () => {
    expect(pageHeaders({ nonce: 'abc123' })).toEqual({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'content-security-policy':
        "default-src 'none'; style-src 'nonce-abc123'; script-src 'nonce-abc123'; img-src https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
  });

  it("lets a login screen's form be followed by the redirect to the application", () => {
    const csp = pageHeaders({ nonce: 'n', formAction: [cspSource('https://app.example.com:8443/callback?x=1')!] })['content-security-policy'];
    expect(csp).toContain("form-action 'self' https://app.example.com:8443;");
  });

  it('omits form-action on the form_post page', () => {
    expect(pageHeaders({ nonce: 'n', formAction: 'any' })['content-security-policy']).toBe(
      "default-src 'none'; style-src 'nonce-n'; script-src 'nonce-n'; img-src https: data:; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('lets the named origins frame the web_message page, without X-Frame-Options', () => {
    const headers = pageHeaders({ nonce: 'n', frameAncestors: ['https://app.example.com', 'http://localhost:3000'] });
    expect(headers['content-security-policy']).toContain('frame-ancestors https://app.example.com http://localhost:3000;');
    expect(headers['x-frame-options']).toBeUndefined();
  });

  it('drops sources that could inject a directive, and a nonce cannot either', () => {
    const csp = pageHeaders({
      nonce: "n'; script-src *",
      frameAncestors: ['https://a.example; script-src *', "'unsafe-inline'", '*', 'javascript:', 'https://ok.example'],
      formAction: ['https://x.example, https://y.example', 'data:'],
    })['content-security-policy'];
    expect(csp).toBe(
      "default-src 'none'; style-src 'nonce-nscript-src'; script-src 'nonce-nscript-src'; img-src https: data:; form-action 'self'; frame-ancestors https://ok.example; base-uri 'none'",
    );
  });
});

describe('cspSource', () => {
  it.each([
    ['https://app.example.com/cb', 'https://app.example.com'],
    ['http://localhost:3000/cb', 'http://localhost:3000'],
    ['com.example.app://callback', 'com.example.app:'],
    ['javascript:alert(1)', undefined],
    ['data:text/html,x', undefined],
    ['not a url', undefined],
  ])('%j -> %j', (url, expected) => {
    expect(cspSource(url)).toBe(expected);
  });
});
