import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { renderErrorPage, renderFormPost, renderLoggedOut, renderWebMessage } from '#shared/authentication/universal-login/pages/index';

/** Runs the page's only script against a stand-in window; returns what it posted, and to whom. */
function postedBy(html: string, opener: boolean): { target: 'opener' | 'parent'; message: unknown; origin: unknown }[] {
  const scripts = [...html.matchAll(/<script nonce="n">([^]*?)<\/script>/g)].map((m) => m[1]);
  expect(scripts).toHaveLength(1);
  const posts: { target: 'opener' | 'parent'; message: unknown; origin: unknown }[] = [];
  const win = (target: 'opener' | 'parent') => ({ postMessage: (message: unknown, origin: unknown) => posts.push({ target, message, origin }) });
  const window = { opener: opener ? win('opener') : null, parent: win('parent') };
  runInNewContext(scripts[0] ?? '', { window });
  return JSON.parse(JSON.stringify(posts)) as typeof posts;
}

describe('renderWebMessage', () => {
  it("posts Auth0's authorization_response to the parent (silent iframe), to the target origin only", () => {
    const html = renderWebMessage({ targetOrigin: 'https://app.example.com', response: { code: 'c0de', state: 'st=' }, nonce: 'n' });
    expect(postedBy(html, false)).toEqual([
      { target: 'parent', message: { type: 'authorization_response', response: { code: 'c0de', state: 'st=' } }, origin: 'https://app.example.com' },
    ]);
    expect(html).toContain('<title>Authorization Response</title>');
  });

  it('posts to the opener when there is one (popup)', () => {
    const html = renderWebMessage({ targetOrigin: 'https://app.example.com', response: { error: 'login_required', error_description: 'Login required', state: 's' }, nonce: 'n' });
    expect(postedBy(html, true)).toEqual([
      {
        target: 'opener',
        message: { type: 'authorization_response', response: { error: 'login_required', error_description: 'Login required', state: 's' } },
        origin: 'https://app.example.com',
      },
    ]);
  });

  it('carries a hostile state byte for byte, and the script stays one script', () => {
    const state = '</script><script>alert(1)</script><!--\u2028\u2029"\'\\&amp;';
    const html = renderWebMessage({ targetOrigin: 'https://app.example.com', response: { code: 'c', state }, nonce: 'n' });
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/[\u2028\u2029]/);
    expect(postedBy(html, false)[0]?.message).toEqual({ type: 'authorization_response', response: { code: 'c', state } });
  });

  it('a hostile target origin is only ever a string argument', () => {
    const origin = '"*");alert(1);("';
    const html = renderWebMessage({ targetOrigin: origin, response: { code: 'c' }, nonce: 'n' });
    expect(postedBy(html, false)[0]?.origin).toBe(origin);
  });
});

describe('renderFormPost', () => {
  const html = renderFormPost({ action: 'https://app.example.com/callback', fields: { code: 'c0de', state: '"><script>x</script>' }, nonce: 'n' });

  it('posts the fields to the callback, with a visible Continue button for browsers without JavaScript', () => {
    expect(html).toContain('<form method="post" action="https://app.example.com/callback" id="form-post">');
    expect(html).toContain('<input type="hidden" name="code" value="c0de">');
    expect(html).toContain('<input type="hidden" name="state" value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">');
    expect(html).toContain('<button type="submit" class="button">Continue</button>');
  });

  it("submits itself from the nonce'd script", () => {
    expect(html.match(/<script[^>]*>[^]*?<\/script>/g)).toEqual([`<script nonce="n">document.getElementById('form-post').submit();</script>`]);
  });

  it("posts to a native app's own scheme too", () => {
    expect(renderFormPost({ action: 'com.example.app://callback', fields: {}, nonce: 'n' })).toContain('action="com.example.app://callback"');
  });

  it('refuses a callback that is relative or would run code', () => {
    for (const action of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', '/u/login', 'data:text/html,x', 'vbscript:x', ' javascript:x']) {
      expect(() => renderFormPost({ action, fields: {}, nonce: 'n' }), action).toThrow(TypeError);
    }
  });
});

describe('renderErrorPage and renderLoggedOut', () => {
  it('shows title, message and code, and links nowhere', () => {
    const html = renderErrorPage({ title: 'Callback URL mismatch', message: 'The redirect_uri is not allowed.', code: 'invalid_request', nonce: 'n' });
    expect(html).toContain('<h1>Callback URL mismatch</h1>');
    expect(html).toContain('<p class="message">The redirect_uri is not allowed.</p>');
    expect(html).toContain('<p class="code">Error code: <code>invalid_request</code></p>');
    expect(html).not.toContain('<a ');
    expect(html).not.toContain('<script');
    expect(renderErrorPage({ title: 't', message: 'm', nonce: 'n' })).not.toContain('Error code');
  });

  it('says the user is logged out', () => {
    const html = renderLoggedOut({ nonce: 'n', tenantName: 'Acme' });
    expect(html).toContain('<h1>You have been logged out</h1>');
    expect(html).toContain('Your session of Acme has ended. You can close this window.');
    expect(renderLoggedOut({ nonce: 'n' })).toContain('Your session has ended.');
  });
});
