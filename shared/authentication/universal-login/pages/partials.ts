import type { InsertionPoint } from '#shared/tenant/prompts';
import { escapeHtml } from '#shared/authentication/universal-login/pages/escape';

/**
 * Prompt partials: the administrator's HTML, inserted raw where Auth0 inserts it (trusted as on
 * Auth0). Unlike Auth0, the page's CSP runs no <script> or <style> of a partial (they carry no
 * nonce), so a partial cannot read what the user types (docs/universal-login.md). The one
 * change we make to the HTML is to put back the values of `ulp-*` fields after a failed submit.
 */

export type { InsertionPoint };
export type Partials = Partial<Record<InsertionPoint, string>>;

/** The partial at `point`, with its `ulp-*` fields re-filled from `values`; '' when none. */
export function partialAt(partials: Partials, point: InsertionPoint, values: Record<string, string>): string {
  const html = partials[point];
  if (html === undefined || html === '') return '';
  return refillUlpFields(html, values);
}

const INPUT_TAG = /<input\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const TEXTAREA = /(<textarea\b(?:[^>"']|"[^"]*"|'[^']*')*>)([\s\S]*?)(<\/textarea\s*>)/gi;
const SELECT = /(<select\b(?:[^>"']|"[^"]*"|'[^']*')*>)([\s\S]*?)(<\/select\s*>)/gi;
const OPTION_TAG = /<option\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const ATTRIBUTE = /\s([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/**
 * Sets the posted value back on each `ulp-*` input (text-like: `value`; checkbox and radio:
 * `checked` when its value was posted), textarea (content) and select (`selected` option).
 * Values are escaped; fields not in `values` are left as the administrator wrote them.
 */
export function refillUlpFields(html: string, values: Record<string, string>): string {
  const posted = (name: string | undefined): string | undefined =>
    name !== undefined && name.startsWith('ulp-') && Object.hasOwn(values, name) ? values[name] : undefined;
  return html
    .replace(INPUT_TAG, (tag) => {
      const attrs = attributes(tag);
      const value = posted(attrs.get('name'));
      if (value === undefined) return tag;
      const type = (attrs.get('type') ?? 'text').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        const own = attrs.get('value') ?? 'on';
        return rebuild(tag, 'checked', own === value ? ' checked' : '');
      }
      if (type === 'password' || type === 'file' || type === 'hidden') return tag;
      return rebuild(tag, 'value', ` value="${escapeHtml(value)}"`);
    })
    .replace(TEXTAREA, (whole, open: string, _content: string, close: string) => {
      const value = posted(attributes(open).get('name'));
      return value === undefined ? whole : `${open}${escapeHtml(value)}${close}`;
    })
    .replace(SELECT, (whole, open: string, options: string, close: string) => {
      const value = posted(attributes(open).get('name'));
      if (value === undefined) return whole;
      const refilled = options.replace(OPTION_TAG, (tag) => rebuild(tag, 'selected', attributes(tag).get('value') === value ? ' selected' : ''));
      return `${open}${refilled}${close}`;
    });
}

/** The tag's attributes, names lower-cased, values as written (entities not decoded). */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of innerOf(tag).matchAll(ATTRIBUTE)) {
    const name = m[1]?.toLowerCase();
    if (name !== undefined && !out.has(name)) out.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

function innerOf(tag: string): string {
  return tag.replace(/^<[a-z]+/i, '').replace(/\/?>$/, '');
}

/**
 * The tag rebuilt from its parsed attributes without `drop`, plus `add` (already escaped). Parsing
 * the attributes, rather than searching the text, never touches a word inside another value.
 */
function rebuild(tag: string, drop: string, add: string): string {
  const head = /^<[a-z]+/i.exec(tag)?.[0] ?? '<input';
  const kept = [...innerOf(tag).matchAll(ATTRIBUTE)].filter((m) => m[1]?.toLowerCase() !== drop).map((m) => m[0]);
  return `${head}${kept.join('')}${add}>`;
}
