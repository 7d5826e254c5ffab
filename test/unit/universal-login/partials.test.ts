import { describe, expect, it } from 'vitest';
import { renderScreen } from '#shared/authentication/universal-login/pages/index';
import { refillUlpFields, type InsertionPoint } from '#shared/authentication/universal-login/pages/partials';
import { signupModel, tagWithId } from './models.ts';

const POINTS: InsertionPoint[] = [
  'form-content-start',
  'form-content-end',
  'form-footer-start',
  'form-footer-end',
  'secondary-actions-start',
  'secondary-actions-end',
];

describe('insertion points', () => {
  const partials = Object.fromEntries(POINTS.map((p) => [p, `<div id="partial-${p}"></div>`]));
  const html = renderScreen({ ...signupModel, partials });
  const at = (marker: string): number => {
    const index = html.indexOf(marker);
    expect(index, marker).toBeGreaterThan(-1);
    return index;
  };

  it("inserts each partial raw, where Auth0 does, all inside the form", () => {
    const order = [
      at('<form '),
      at('name="_csrf"'),
      at('id="partial-form-content-start"'),
      at('id="email"'),
      at('id="password"'),
      at('id="partial-form-content-end"'),
      at('<button type="submit"'),
      at('id="partial-form-footer-start"'),
      at('Already have an account?'),
      at('id="partial-form-footer-end"'),
      at('id="partial-secondary-actions-start"'),
      at('id="partial-secondary-actions-end"'),
      at('</form>'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('leaves the focus at the top when a partial puts its field first', () => {
    const withField = renderScreen({ ...signupModel, partials: { 'form-content-start': '<input name="ulp-a">' } });
    expect(tagWithId(withField, 'email')).not.toContain('autofocus');
    expect(tagWithId(renderScreen({ ...signupModel, partials: { 'form-content-start': '<p>Hi</p>' } }), 'email')).toContain('autofocus');
  });
});

describe('ulp-* values after an error', () => {
  it('puts back a text input, replacing the value the administrator wrote', () => {
    expect(refillUlpFields('<input type="text" name="ulp-name" id="n" value="default" placeholder="your value">', { 'ulp-name': 'Ada "A" <L>' })).toBe(
      '<input type="text" name="ulp-name" id="n" placeholder="your value" value="Ada &quot;A&quot; &lt;L&gt;">',
    );
    expect(refillUlpFields("<input name='ulp-name'/>", { 'ulp-name': 'x' })).toBe(`<input name='ulp-name' value="x">`);
    expect(refillUlpFields('<INPUT NAME=ulp-name>', { 'ulp-name': 'x' })).toBe('<INPUT NAME=ulp-name value="x">');
  });

  it('checks a checkbox or radio whose value was posted, and unchecks the others', () => {
    const html = '<input type="checkbox" name="ulp-terms" value="yes" checked><input type="radio" name="ulp-plan" value="a" checked><input type="radio" name="ulp-plan" value="b">';
    expect(refillUlpFields(html, { 'ulp-terms': 'yes', 'ulp-plan': 'b' })).toBe(
      '<input type="checkbox" name="ulp-terms" value="yes" checked><input type="radio" name="ulp-plan" value="a"><input type="radio" name="ulp-plan" value="b" checked>',
    );
    expect(refillUlpFields('<input type="checkbox" name="ulp-news">', { 'ulp-news': 'on' })).toBe('<input type="checkbox" name="ulp-news" checked>');
  });

  it('fills a textarea and selects an option', () => {
    expect(refillUlpFields('<textarea name="ulp-bio">old</textarea>', { 'ulp-bio': '</textarea><script>' })).toBe(
      '<textarea name="ulp-bio">&lt;/textarea&gt;&lt;script&gt;</textarea>',
    );
    expect(refillUlpFields('<select name="ulp-team"><option value="a" selected>A</option><option value="b">B</option></select>', { 'ulp-team': 'b' })).toBe(
      '<select name="ulp-team"><option value="a">A</option><option value="b" selected>B</option></select>',
    );
  });

  it('leaves alone fields without the prefix or without a posted value, hidden and password inputs', () => {
    const html = '<input name="company" value="c"><input name="ulp-x" value="keep"><input type="hidden" name="ulp-h" value="h"><input type="password" name="ulp-p">';
    expect(refillUlpFields(html, { company: 'evil', 'ulp-h': 'changed', 'ulp-p': 'secret' })).toBe(html);
  });

  it('escapes a hostile posted value', () => {
    const html = renderScreen({ ...signupModel, partials: { 'form-content-end': '<input name="ulp-company">' }, values: { 'ulp-company': '"><script>alert(1)</script>' } });
    expect(html).toContain('<input name="ulp-company" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('does not trust a value named like an Object prototype key', () => {
    expect(refillUlpFields('<input name="ulp-x">', JSON.parse('{"__proto__": {"ulp-x": "p"}}') as Record<string, string>)).toBe('<input name="ulp-x">');
  });
});
