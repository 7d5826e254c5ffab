import type { ScreenModel } from '#shared/authentication/universal-login/pages/index';

/** A plain login screen's model; tests spread their changes over it. */
export const loginModel: ScreenModel = {
  screen: 'login',
  formAction: '/u/login?state=abc',
  switchUrl: '/u/signup?state=abc',
  state: 'abc',
  csrf: 'csrf-1',
  application: { name: 'Acme Notes' },
  branding: {},
  tenantName: 'Acme',
  identifier: 'email',
  values: {},
  partials: {},
  nonce: 'n0nce',
};

export const signupModel: ScreenModel = {
  ...loginModel,
  screen: 'signup',
  formAction: '/u/signup?state=abc',
  switchUrl: '/u/login?state=abc',
};

/** The opening tag of the element with this id (attributes as rendered). */
export function tagWithId(html: string, id: string): string {
  const match = new RegExp(`<[a-z]+\\b[^>]*\\bid="${id}"[^>]*>`).exec(html);
  if (match === null) throw new Error(`no element with id ${id}`);
  return match[0];
}
