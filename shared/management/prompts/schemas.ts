import * as z from 'zod';
import { isPlainObject } from '#shared/platform/json';
import { jsonType } from '#shared/platform/validation';
import { INSERTION_POINTS, PROMPT_NAMES, PROMPT_SCREENS, type PromptName } from '#shared/tenant/prompts';

/**
 * PUT/GET /api/v2/prompts/{prompt}/partials: Auth0's prompt names, each prompt's screens and the
 * six insertion points (seven on customized-consent); at most 10,000 characters per partial. The HTML is the tenant admin's and
 * is stored as sent (`<script>` included, as on Auth0); unknown screens, insertion points and keys
 * such as `__proto__` are refused.
 */
export const MAX_PARTIAL_LENGTH = 10_000;

export const PromptParams = z.object({
  prompt: z
    .string()
    .refine((v): v is PromptName => (PROMPT_NAMES as string[]).includes(v), { error: (i) => `Invalid value "${String(i.input).slice(0, 80)}"` })
    .describe('Name of the prompt'),
});

/** The customized-consent screen has one more insertion point, `form-content` (Auth0's Terraform provider lists it). */
const CONSENT_SCREEN = 'customized-consent';
const CONSENT_INSERTION_POINT = 'form-content';

const screenPartials = (points: readonly string[]) =>
  z.object(Object.fromEntries(points.map((point) => [point, z.string().max(MAX_PARTIAL_LENGTH).optional()]))).strict();
const standardScreen = screenPartials(INSERTION_POINTS);
const consentScreen = screenPartials([CONSENT_INSERTION_POINT, ...INSERTION_POINTS]);

const bodies = new Map(
  PROMPT_NAMES.map((prompt) => [
    prompt,
    z
      .object(Object.fromEntries(PROMPT_SCREENS[prompt].map((screen) => [screen, (screen === CONSENT_SCREEN ? consentScreen : standardScreen).optional()])))
      .strict(),
  ]),
);

/** The body's schema depends on the prompt (its screens): the route takes any object, the domain checks it with this. */
export const partialsBodyFor = (prompt: PromptName) => bodies.get(prompt)!;

/** Any JSON object, passed on untouched (no copy, so no key is lost or reinterpreted before the prompt's schema sees it). */
export const PartialsBody = z.custom<Record<string, unknown>>(isPlainObject, {
  error: (i) => `Expected type object but found type ${jsonType(i.input)}`,
});
