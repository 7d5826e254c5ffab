import { escapeHtml } from '#shared/authentication/universal-login/pages/escape';
import { ICONS } from '#shared/authentication/universal-login/pages/layout';

export type Field = 'email' | 'username' | 'password';

interface FieldsModel {
  screen: 'login' | 'signup';
  identifier: 'email' | 'email+username';
  values: Record<string, string>;
  error?: { message: string; field?: Field };
  passwordRules?: string[];
  /** False when a partial puts its own field first: focus then starts at the top, in order. */
  focusFirstField: boolean;
}

interface InputSpec {
  name: 'email' | 'username';
  label: string;
  type: 'email' | 'text';
  autocomplete: string;
  inputmode?: string;
}

/**
 * The built-in fields, named as Auth0's Universal Login names them. Login with a username
 * connection takes "username or email" in `username`; signup there asks for both. The login
 * identifier is `autocomplete="username"` (what password managers pair with current-password);
 * signup's email is `email`, its password `new-password`.
 */
export function renderFields(model: FieldsModel): string {
  const inputs = identifierInputs(model);
  const autofocus = model.error?.field ?? (model.focusFirstField ? (inputs[0]?.name ?? 'password') : undefined);
  return [...inputs.map((spec) => textField(spec, model, autofocus === spec.name)), passwordField(model, autofocus === 'password')].join('\n');
}

function identifierInputs(model: FieldsModel): InputSpec[] {
  const email: InputSpec = { name: 'email', label: 'Email address', type: 'email', autocomplete: model.screen === 'login' ? 'username' : 'email', inputmode: 'email' };
  if (model.identifier === 'email') return [email];
  if (model.screen === 'login') return [{ name: 'username', label: 'Username or email address', type: 'text', autocomplete: 'username' }];
  return [email, { name: 'username', label: 'Username', type: 'text', autocomplete: 'username' }];
}

function textField(spec: InputSpec, model: FieldsModel, autofocus: boolean): string {
  const error = fieldError(model, spec.name);
  const value = model.values[spec.name] ?? '';
  const attrs = [
    `class="input"`,
    `id="${spec.name}"`,
    `name="${spec.name}"`,
    `type="${spec.type}"`,
    `autocomplete="${spec.autocomplete}"`,
    spec.inputmode === undefined ? '' : `inputmode="${spec.inputmode}"`,
    'autocapitalize="none"',
    'spellcheck="false"',
    'required',
    value === '' ? '' : `value="${escapeHtml(value)}"`,
    autofocus ? 'autofocus' : '',
    ...invalidAttributes(error, spec.name, []),
  ];
  return `<div class="field"><label for="${spec.name}">${escapeHtml(spec.label)}</label><input ${attrs.filter(Boolean).join(' ')}>${error ?? ''}</div>`;
}

function passwordField(model: FieldsModel, autofocus: boolean): string {
  const error = fieldError(model, 'password');
  const rules = model.passwordRules ?? [];
  const describedBy = rules.length > 0 ? ['password-rules'] : [];
  const attrs = [
    'class="input"',
    'id="password"',
    'name="password"',
    'type="password"',
    `autocomplete="${model.screen === 'signup' ? 'new-password' : 'current-password'}"`,
    'required',
    autofocus ? 'autofocus' : '',
    ...invalidAttributes(error, 'password', describedBy),
  ];
  const toggle = '<button type="button" class="toggle" id="password-toggle" aria-controls="password" hidden>Show<span class="sr-only"> password</span></button>';
  return [
    '<div class="field">',
    '<label for="password">Password</label>',
    `<div class="password-wrap"><input ${attrs.filter(Boolean).join(' ')}>${toggle}</div>`,
    error ?? '',
    rules.length > 0 ? passwordRules(rules) : '',
    '</div>',
  ].join('');
}

/** The inline error under a field: announced (role="alert") and tied to it (aria-describedby). */
function fieldError(model: FieldsModel, field: Field): string | undefined {
  if (model.error?.field !== field) return undefined;
  return `<p class="field-error" id="${field}-error" role="alert">${ICONS.alert}<span>${escapeHtml(model.error.message)}</span></p>`;
}

function invalidAttributes(error: string | undefined, field: Field, describedBy: string[]): string[] {
  const ids = error === undefined ? describedBy : [`${field}-error`, ...describedBy];
  return [error === undefined ? '' : 'aria-invalid="true"', ids.length > 0 ? `aria-describedby="${ids.join(' ')}"` : ''];
}

/**
 * The policy's rules as a list. A rule indented with spaces belongs to the rule above it (the
 * policy's "Contain at least 3 of the following 4 types of characters:" and its four kinds).
 */
function passwordRules(rules: string[]): string {
  const tree: { text: string; items: string[] }[] = [];
  for (const rule of rules) {
    const last = tree.at(-1);
    if (/^\s/.test(rule) && last !== undefined) last.items.push(rule.trim());
    else tree.push({ text: rule.trim(), items: [] });
  }
  const item = (text: string) => escapeHtml(text.charAt(0).toLocaleUpperCase('en') + text.slice(1));
  const items = tree.map((rule) => {
    const nested = rule.items.length === 0 ? '' : `<ul>${rule.items.map((text) => `<li>${item(text)}</li>`).join('')}</ul>`;
    return `<li>${item(rule.text)}${nested}</li>`;
  });
  return `<div class="rules" id="password-rules"><p>Password requirements</p><ul>${items.join('')}</ul></div>`;
}
