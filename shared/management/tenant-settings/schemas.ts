import * as z from 'zod';
import { queryBoolean } from '#shared/platform/query-schemas';
import { urlProblem } from '#shared/management/clients/urls';
import { httpsUrlOrEmpty } from '#shared/management/branding/https-url';
import { SANDBOX_VERSIONS, SETTABLE_FLAGS, SUPPORTED_LOCALES } from '#shared/management/tenant-settings/model';

/**
 * PATCH /api/v2/tenants/settings: the main fields of Auth0's TenantSettingsUpdate, with its
 * descriptions (they appear in validation messages). Session lifetimes are hours, within the
 * largest caps Auth0 accepts (Enterprise: 365 days absolute, 100 days idle). Unknown fields,
 * unknown flags and keys such as `__proto__` are refused.
 */
export const MAX_SESSION_LIFETIME_HOURS = 365 * 24;
export const MAX_IDLE_SESSION_LIFETIME_HOURS = 100 * 24;
export const MIN_SESSION_LIFETIME_HOURS = 0.01;
/** The cap of a client's URL lists (shared/management/clients/schemas.ts). */
export const MAX_LOGOUT_URLS = 100;

const EMAIL = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/;
const emailOrEmpty = z.string().max(254).refine((v) => v === '' || EMAIL.test(v), {
  error: (i) => `Object didn't pass validation for format email: ${String(i.input).slice(0, 120)}`,
});

const logoutUrls = z
  .array(
    z.string().superRefine((value, ctx) => {
      const problem = urlProblem(value, 'url');
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: ${value.slice(0, 120)}` });
    }),
  )
  .max(MAX_LOGOUT_URLS);

const hours = (max: number) => z.number().min(MIN_SESSION_LIFETIME_HOURS).max(max);

const flags = z.object(Object.fromEntries(SETTABLE_FLAGS.map((flag) => [flag, z.boolean().optional()]))).strict();

const locales = z
  .array(z.enum(SUPPORTED_LOCALES))
  .min(1)
  .max(SUPPORTED_LOCALES.length)
  .refine((list) => new Set(list).size === list.length, { error: 'Array items are not unique' });

const fields = {
    friendly_name: z.string().max(255).describe('Friendly name for this tenant'),
    picture_url: httpsUrlOrEmpty.describe('URL of logo to be shown for this tenant (recommended size: 150x150)'),
    support_email: emailOrEmpty.describe('End-user support email'),
    support_url: httpsUrlOrEmpty.describe('End-user support url'),
    allowed_logout_urls: logoutUrls.describe('URLs that are valid to redirect to after logout from Auth0'),
    session_lifetime: hours(MAX_SESSION_LIFETIME_HOURS).describe('Number of hours a session will stay valid'),
    idle_session_lifetime: hours(MAX_IDLE_SESSION_LIFETIME_HOURS).describe(
      'Number of hours for which a session can be inactive before the user must log in again',
    ),
    default_audience: z.string().max(600).describe('Default audience for API Authorization'),
    default_directory: z.string().max(128).describe('Name of connection used for password grants at the `/token` endpoint'),
    default_redirection_uri: httpsUrlOrEmpty.describe('The default absolute redirection uri, must be https'),
    enabled_locales: locales.describe('Supported locales for the user interface'),
    flags: flags.describe('Flags used to change the behavior of this tenant'),
    session_cookie: z.object({ mode: z.enum(['persistent', 'non-persistent']).describe('Behavior of tenant session cookie') }).strict().nullable()
      .describe('Session cookie configuration'),
    sandbox_version: z.enum(SANDBOX_VERSIONS).describe('Selected sandbox version for the extensibility environment'),
    acr_values_supported: z.array(z.string().min(1).max(100)).max(20).nullable().describe('Supported ACR values'),
};

/** Every field optional; `.optional()` goes before the description, so messages still name it. */
const optional = <S extends Record<string, z.ZodType>>(shape: S) =>
  Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.optional().describe(schema.description ?? key)])) as {
    [K in keyof S]: z.ZodOptional<S[K]>;
  };

export const UpdateTenantSettingsBody = z.object(optional(fields)).strict();
export type UpdateTenantSettingsBody = z.output<typeof UpdateTenantSettingsBody>;

export const GetTenantSettingsQuery = z
  .object({
    fields: z.string().max(2000).optional().describe('Comma-separated list of fields to include or exclude (based on value provided for include_fields) in the result. Leave empty to retrieve all fields'),
    include_fields: queryBoolean.default(true).describe('Whether specified fields are to be included (true) or excluded (false)'),
  })
  .strict();
