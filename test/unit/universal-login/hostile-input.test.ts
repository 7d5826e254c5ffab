import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, safeImageUrl, safeLinkUrl } from '#shared/authentication/universal-login/pages/escape';
import { renderErrorPage, renderLoggedOut, renderScreen } from '#shared/authentication/universal-login/pages/index';
import { loginModel, signupModel } from './models.ts';

const SCRIPT = '"><script>alert(1)</script>';
const PAYLOADS = [SCRIPT, "' onmouseover='alert(1)", '</style><img src=x onerror=alert(1)>', '<!--', '\u2028&amp;'];

/** No raw `<script` beyond our own nonce'd one, no event handler attribute, no `javascript:`. */
function expectInert(html: string): void {
  expect(html.match(/<script/g) ?? []).toHaveLength(html.includes('<script nonce="n0nce">') ? 1 : 0);
  const tagsWithoutValues = (html.match(/<[a-z][^>]*>/gi) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
  expect(tagsWithoutValues.filter((tag) => /\son[a-z]+\s*=/i.test(tag))).toEqual([]);
  expect(html).not.toMatch(/javascript:/i);
  expect(html).not.toContain('<img src=x');
}

describe('escaping for each context', () => {
  it('escapes text and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it.each([
    ['javascript:alert(1)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    [' javascript:alert(1)', undefined],
    ['java\tscript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['//evil.example/login', undefined],
    ['/\\evil.example', undefined],
    ['https://app.example.com/x?a=1&b="2"', 'https://app.example.com/x?a=1&b="2"'],
    ['http://localhost:3000/callback', 'http://localhost:3000/callback'],
    ['/u/signup?state=abc', '/u/signup?state=abc'],
    ['', undefined],
  ])('link URL %j -> %j', (input, expected) => {
    expect(safeLinkUrl(input)).toBe(expected);
  });

  it('takes only https images', () => {
    expect(safeImageUrl('https://cdn.example.com/l.png')).toBe('https://cdn.example.com/l.png');
    expect(safeImageUrl('http://cdn.example.com/l.png')).toBeUndefined();
    expect(safeImageUrl('/logo.png')).toBeUndefined();
    expect(safeImageUrl('javascript:alert(1)')).toBeUndefined();
  });

  it('encodes JSON so it cannot end a <script> or a line', () => {
    const encoded = jsonForScript({ s: '</script><!--\u2028\u2029&' });
    expect(encoded).toBe('{"s":"\\u003c/script\\u003e\\u003c!--\\u2028\\u2029\\u0026"}');
    expect(JSON.parse(encoded)).toEqual({ s: '</script><!--\u2028\u2029&' });
  });
});

describe('a hostile model renders inert', () => {
  it.each(PAYLOADS)('application and tenant name %j', (payload) => {
    const html = renderScreen({ ...loginModel, application: { name: payload }, tenantName: payload });
    expectInert(html);
    expect(html).toContain(`<h1>Welcome</h1><p class="subtitle">Log in to ${escapeHtml(payload)} to continue to ${escapeHtml(payload)}.</p>`);
    expect(html).toContain(`<title>Log in | ${escapeHtml(payload)}</title>`);
  });

  it('a javascript: logo, switch URL or form action is dropped', () => {
    const html = renderScreen({
      ...loginModel,
      application: { name: 'x', logo_uri: 'javascript:alert(1)' },
      branding: { logo_url: `https://cdn.example.com/${SCRIPT}` },
      switchUrl: 'javascript:alert(1)',
      formAction: 'javascript:alert(1)',
    });
    expectInert(html);
    expect(html).toContain('<form method="post">');
    expect(html).not.toContain('Sign up');
    expect(html).toContain(`<img class="logo" src="https://cdn.example.com/${escapeHtml(SCRIPT)}" alt="Acme">`);
  });

  it('a logo URL that breaks out of its attribute stays inside it', () => {
    const html = renderScreen({ ...loginModel, application: { name: 'x', logo_uri: 'https://cdn.example.com/a.png"onerror="alert(1)' } });
    expectInert(html);
    expect(html).toContain('src="https://cdn.example.com/a.png&quot;onerror=&quot;alert(1)"');
  });

  it.each(PAYLOADS)('state, csrf, form action, values and the error message %j', (payload) => {
    const html = renderScreen({
      ...signupModel,
      identifier: 'email+username',
      state: payload,
      csrf: payload,
      formAction: `/u/signup?state=${payload}`,
      values: { email: payload, username: payload },
      error: { message: payload, field: 'email' },
      passwordRules: [payload],
    });
    expectInert(html);
    expect(html).toContain(`<input type="hidden" name="state" value="${escapeHtml(payload)}">`);
    // A URL with a space or a line separator (any control character) is no URL: the form posts to itself.
    if (/[\s\u2028]/.test(payload)) expect(html).toContain('<form method="post">');
    else expect(html).toContain(`action="/u/signup?state=${escapeHtml(payload)}"`);
    expect(html).toContain(`<span>${escapeHtml(payload)}</span>`);
    expect(html).toContain(`<li>${escapeHtml(payload.trim())}</li>`);
  });

  it('the nonce cannot break out of its attribute', () => {
    const html = renderScreen({ ...loginModel, nonce: '"><script>alert(1)</script>' });
    expect(html).toContain('<style nonce="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('error and logged-out pages escape what they show', () => {
    const error = renderErrorPage({ title: SCRIPT, message: SCRIPT, code: SCRIPT, nonce: 'n0nce' });
    expectInert(error);
    expect(error).toContain(`<h1>${escapeHtml(SCRIPT)}</h1>`);
    expect(error).toContain(`<code>${escapeHtml(SCRIPT)}</code>`);
    expectInert(renderLoggedOut({ nonce: 'n0nce', tenantName: SCRIPT }));
  });
});
