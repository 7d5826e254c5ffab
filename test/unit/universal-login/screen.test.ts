import { describe, expect, it } from 'vitest';
import { renderScreen } from '#shared/authentication/universal-login/pages/index';
import { loginModel, signupModel, tagWithId } from './models.ts';

describe('login screen', () => {
  const html = renderScreen(loginModel);

  it('is an English document with a viewport, one <h1> and the nonce on its only <style> and <script>', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html.match(/<h1>/g)).toEqual(['<h1>']);
    expect(html).toContain('<h1>Welcome</h1>');
    expect(html).toContain('<p class="subtitle">Log in to Acme to continue to Acme Notes.</p>');
    expect(html.match(/<style[^>]*>/g)).toEqual(['<style nonce="n0nce">']);
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script nonce="n0nce">']);
    expect(html).not.toMatch(/<link (?!rel="icon" href="data:,")/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).toContain('<title>Log in | Acme Notes</title>');
  });

  it('posts state, _csrf, email and password to the form action', () => {
    expect(html).toContain('<form method="post" action="/u/login?state=abc">');
    expect(html).toContain('<input type="hidden" name="state" value="abc">');
    expect(html).toContain('<input type="hidden" name="_csrf" value="csrf-1">');
    expect(tagWithId(html, 'email')).toBe(
      '<input class="input" id="email" name="email" type="email" autocomplete="username" inputmode="email" autocapitalize="none" spellcheck="false" required autofocus>',
    );
    expect(tagWithId(html, 'password')).toBe('<input class="input" id="password" name="password" type="password" autocomplete="current-password" required>');
    expect(html.match(/name="[^"]+"/g)).toEqual(['name="viewport"', 'name="robots"', 'name="referrer"', 'name="state"', 'name="_csrf"', 'name="email"', 'name="password"']);
  });

  it('labels every visible input', () => {
    expect(html).toContain('<label for="email">Email address</label>');
    expect(html).toContain('<label for="password">Password</label>');
  });

  it('links to signup, and has no link when signup is disabled', () => {
    expect(html).toContain('<p>Don&#39;t have an account? <a href="/u/signup?state=abc">Sign up</a></p>');
    expect(renderScreen({ ...loginModel, switchUrl: undefined })).not.toContain('Sign up');
  });

  it('asks for "username or email" in `username` on a connection that requires a username', () => {
    const page = renderScreen({ ...loginModel, identifier: 'email+username' });
    expect(page).toContain('<label for="username">Username or email address</label>');
    expect(tagWithId(page, 'username')).toContain('name="username" type="text" autocomplete="username"');
    expect(page).not.toContain('name="email"');
  });

  it('reads without a tenant name', () => {
    expect(renderScreen({ ...loginModel, tenantName: undefined })).toContain('<p class="subtitle">Log in to continue to Acme Notes.</p>');
  });

  it('hides the password toggle until its script shows it (no dead button without JavaScript)', () => {
    expect(html).toContain('<button type="button" class="toggle" id="password-toggle" aria-controls="password" hidden>Show<span class="sr-only"> password</span></button>');
  });
});

describe('signup screen', () => {
  it('asks for email, username and a new password, and shows the policy rules tied to the password', () => {
    const html = renderScreen({ ...signupModel, identifier: 'email+username', passwordRules: ['At least 8 characters', 'Numbers (0-9)'] });
    expect(html).toContain('<h1>Create your account</h1>');
    expect(html).toContain('<p class="subtitle">Sign up to Acme to continue to Acme Notes.</p>');
    expect(tagWithId(html, 'email')).toContain('autocomplete="email"');
    expect(tagWithId(html, 'username')).toContain('autocomplete="username"');
    expect(tagWithId(html, 'password')).toContain('autocomplete="new-password" required aria-describedby="password-rules"');
    expect(html).toContain('<div class="rules" id="password-rules"><p>Password requirements</p><ul><li>At least 8 characters</li><li>Numbers (0-9)</li></ul></div>');
    expect(html).toContain(`<p>Already have an account? <a href="/u/login?state=abc">Log in</a></p>`);
    expect(html.indexOf('id="email"')).toBeLessThan(html.indexOf('id="username"'));
    expect(html.indexOf('id="username"')).toBeLessThan(html.indexOf('id="password"'));
  });

  it("nests a rule's indented items under it, as the policy describes them", () => {
    const rules = ['At least 8 characters in length', 'Contain at least 3 of the following 4 types of characters:', ' lower case letters (a-z)', ' numbers (i.e. 0-9)'];
    expect(renderScreen({ ...signupModel, passwordRules: rules })).toContain(
      '<ul><li>At least 8 characters in length</li><li>Contain at least 3 of the following 4 types of characters:<ul><li>Lower case letters (a-z)</li><li>Numbers (i.e. 0-9)</li></ul></li></ul>',
    );
  });

  it('shows no rules box without rules', () => {
    expect(renderScreen(signupModel)).not.toContain('password-rules');
  });
});

describe('errors', () => {
  it('ties a field error to its input and announces it', () => {
    const html = renderScreen({ ...loginModel, values: { email: 'ada@example.com' }, error: { message: 'Wrong email or password.', field: 'password' } });
    expect(tagWithId(html, 'password')).toContain('aria-invalid="true" aria-describedby="password-error"');
    expect(tagWithId(html, 'password')).toContain('autofocus');
    expect(tagWithId(html, 'email')).not.toContain('autofocus');
    expect(tagWithId(html, 'email')).toContain('value="ada@example.com"');
    expect(html).toMatch(/<p class="field-error" id="password-error" role="alert"><svg[^]*?<\/svg><span>Wrong email or password\.<\/span><\/p>/);
    expect(html.match(/role="alert"/g)).toHaveLength(1);
  });

  it('keeps the policy rules in the password description beside the error', () => {
    const html = renderScreen({ ...signupModel, passwordRules: ['At least 8 characters'], error: { message: 'Password is too weak', field: 'password' } });
    expect(tagWithId(html, 'password')).toContain('aria-describedby="password-error password-rules"');
  });

  it("shows a form error (an Action's message, too many attempts) above the form, announced", () => {
    const html = renderScreen({ ...signupModel, error: { message: 'Please pick a team.' } });
    expect(html).toContain('<div class="alert" id="form-error" role="alert">');
    expect(html).toContain('<span>Please pick a team.</span>');
    expect(html).toContain('<form method="post" action="/u/signup?state=abc" aria-describedby="form-error">');
    expect(html).not.toContain('aria-invalid="true"');
  });

  it('never puts a password back', () => {
    const html = renderScreen({ ...loginModel, values: { password: 'hunter2', email: 'a@b.c' }, error: { message: 'x' } });
    expect(html).not.toContain('hunter2');
  });
});

describe('logo', () => {
  it("shows the application's https logo first, then the tenant's, else a monogram", () => {
    const both = { ...loginModel, application: { name: 'Acme Notes', logo_uri: 'https://cdn.example.com/app.png' }, branding: { logo_url: 'https://cdn.example.com/t.png' } };
    expect(renderScreen(both)).toContain('<img class="logo" src="https://cdn.example.com/app.png" alt="Acme Notes">');
    expect(renderScreen({ ...both, application: { name: 'Acme Notes' } })).toContain('<img class="logo" src="https://cdn.example.com/t.png" alt="Acme">');
    expect(renderScreen(loginModel)).toContain('<div class="monogram" aria-hidden="true">A</div>');
  });

  it('falls back past a logo that is not https', () => {
    const html = renderScreen({ ...loginModel, application: { name: 'élan', logo_uri: 'http://cdn.example.com/a.png' }, branding: { logo_url: 'data:image/png;base64,AAAA' } });
    expect(html).not.toContain('<img');
    expect(html).toContain('<div class="monogram" aria-hidden="true">É</div>');
  });
});

describe('branding', () => {
  it('colours the button with the primary colour and picks a readable text colour', () => {
    expect(renderScreen(loginModel)).toContain('--primary:#635dff;--on-primary:#ffffff;');
    const yellow = renderScreen({ ...loginModel, branding: { primary_color: '#FD0' } });
    expect(yellow).toContain('--primary:#ffdd00;--on-primary:#1e212a;');
    expect(renderScreen({ ...loginModel, branding: { page_background: '#0b1f33' } })).toContain('--page:#0b1f33;');
  });

  it('ignores a colour that is not hex (no way out of the <style>)', () => {
    const html = renderScreen({ ...loginModel, branding: { primary_color: 'red;}</style><script>alert(1)</script>', page_background: 'url(https://x)' } });
    expect(html).toContain('--primary:#635dff;');
    expect(html).toContain('--page:#f1f2f6;');
    expect(html).not.toContain('alert(1)');
    expect(html).not.toContain('url(https://x)');
  });
});
