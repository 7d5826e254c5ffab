import { TENANT_CACHE_TTL_MS, tenantCache, ttlCache } from '#shared/platform/cache';
import { promptPartialsKey } from '#shared/db/keys';
import { readTenantConfig } from '#shared/db/tenant-config-repo';

/**
 * Prompt partials: admin HTML inserted into the hosted login screens at Auth0's insertion points
 * (https://auth0.com/docs/customize/login-pages/universal-login/customize-signup-and-login-prompts).
 * Each prompt's partials are one item (`{<screen>: {<insertion point>: html}}`), read with one
 * GetItem and kept TENANT_CACHE_TTL_MS per warm function (at once in this process: tenantChanged).
 * Written by shared/management/prompts/.
 */

/** Auth0's six insertion points, in page order. */
export const INSERTION_POINTS = [
  'form-content-start',
  'form-content-end',
  'form-footer-start',
  'form-footer-end',
  'secondary-actions-start',
  'secondary-actions-end',
] as const;
export type InsertionPoint = (typeof INSERTION_POINTS)[number];

/** Auth0's prompts that take partials, and the screens of each (node-auth0 PutPartialsPromptEnum). */
export const PROMPT_SCREENS = {
  login: ['login'],
  'login-id': ['login-id'],
  'login-password': ['login-password'],
  'login-passwordless': ['login-passwordless-email-code', 'login-passwordless-sms-otp'],
  signup: ['signup'],
  'signup-id': ['signup-id'],
  'signup-password': ['signup-password'],
  'customized-consent': ['customized-consent'],
  passkeys: ['passkey-enrollment', 'passkey-enrollment-local'],
} as const satisfies Record<string, readonly string[]>;
export type PromptName = keyof typeof PROMPT_SCREENS;
export const PROMPT_NAMES = Object.keys(PROMPT_SCREENS) as PromptName[];

export type ScreenPartials = Partial<Record<InsertionPoint, string>>;
/** A prompt's partials, by screen; `{}` when none are set. */
export type PromptPartials = Record<string, ScreenPartials>;

const cache = tenantCache(
  ttlCache<PromptPartials>(TENANT_CACHE_TTL_MS, PROMPT_NAMES.length, async (prompt) =>
    (await readTenantConfig<PromptPartials>(promptPartialsKey(prompt), false)).value ?? {}),
);

/** The partials of the screen named like the prompt (`login` or `signup`); `{}` when none. A copy. */
export async function loadScreenPartials(prompt: 'login' | 'signup'): Promise<ScreenPartials> {
  const partials = (await cache(prompt)) ?? {};
  return { ...partials[prompt] };
}
