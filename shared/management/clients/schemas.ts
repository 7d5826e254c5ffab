// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { isPlainObject } from '#shared/platform/json';
import { queryBoolean } from '#shared/platform/query-schemas';
import { CLIENT_FIELDS } from '#shared/management/clients/model';
import { urlProblem, type UrlKind } from '#shared/management/clients/urls';

/**
 * Request shapes for /api/v2/clients, with Auth0's names, bounds and field descriptions (they
 * appear in validation messages). Objects are strict: an unknown or read-only key is a 400 naming
 * it. docs/applications.md lists where we chose a bound Auth0 does not publish.
 */
export const APP_TYPES = ['spa', 'regular_web', 'native', 'non_interactive'] as const;
export const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
/** Auth0's grant types (docs: application-grant-types). Legacy `…/oauth/legacy/…` ones are refused, as for tenants after 2017. */
export const GRANT_TYPES = [
  'authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code',
  'http://auth0.com/oauth/grant-type/passwordless/otp',
] as const;

/** Auth0: web_origins ≤ 100. The same cap for the other lists (ours); all URL lists together ≤ 64 KB (the hot-path item stays small). */
export const MAX_URLS = 100;
export const MAX_URL_LIST_BYTES = 64 * 1024;
export const MAX_METADATA_KEYS = 10;
export const MAX_METADATA_LENGTH = 255;
/** Auth0: refresh token lifetimes run 1-31,557,600 s (a year). */
export const MAX_REFRESH_LIFETIME = 31_557_600;
/** The ID token's lifetime: Auth0's default 36,000 s; at most 30 days (ours). */
export const MAX_ID_TOKEN_LIFETIME = 2_592_000;
export const MIN_CUSTOM_SECRET_LENGTH = 32;

const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

const notAngled = (max: number) =>
  z.string().max(max).refine((v) => !/[<>]/.test(v), { error: 'String must not contain < or >' });

const name = z.string().min(1).max(256).refine((v) => !/[<>\p{Cc}]/u.test(v), {
  error: (i) => `String does not match pattern ^[^<>]+$: ${String(i.input).slice(0, 80)}`,
});

function urlList(kind: UrlKind, max = MAX_URLS) {
  return z
    .array(z.string().superRefine((value, ctx) => {
      const problem = urlProblem(value, kind);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: ${value.slice(0, 120)}` });
    }))
    .max(max);
}

const grantTypes = z
  .array(z.string().max(200))
  .max(GRANT_TYPES.length)
  .superRefine((list, ctx) => {
    const unknown = list.filter((g) => !(GRANT_TYPES as readonly string[]).includes(g));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `Invalid grant types: ${unknown.map((g) => g.slice(0, 80)).join(', ')}` });
      return;
    }
    const first = list.findIndex((g, i) => list.indexOf(g) !== i);
    if (first >= 0) ctx.addIssue({ code: 'custom', message: `Array items are not unique (indexes ${list.indexOf(list[first]!)} and ${first})` });
  });

const metadataKey = /^[a-zA-Z0-9:,\-+=_*?"/\\()<>@ \t]+$/;
const clientMetadata = z
  .custom<unknown>((v) => !isPlainObject(v) || !RESERVED_KEYS.some((k) => Object.hasOwn(v, k)), {
    error: `Property names ${RESERVED_KEYS.join(', ')} are not allowed`,
  })
  .pipe(
    z.record(
      z.string().min(1).max(MAX_METADATA_LENGTH).regex(metadataKey, { error: (i) => `Metadata key does not match pattern: ${String(i.input).slice(0, 80)}` }),
      z.string().max(MAX_METADATA_LENGTH).nullable(),
    ),
  );

const lifetime = z.number().int().min(1).max(MAX_REFRESH_LIFETIME);
const RefreshToken = z
  .object({
    rotation_type: z.enum(['rotating', 'non-rotating']).optional().describe('Refresh token rotation type'),
    expiration_type: z.enum(['expiring', 'non-expiring']).optional().describe('Refresh token expiration type'),
    leeway: z.number().int().min(0).max(MAX_REFRESH_LIFETIME).optional().describe('Period in seconds where the previous refresh token can be exchanged without triggering breach detection'),
    token_lifetime: lifetime.optional().describe('Period (in seconds) for which refresh tokens will remain valid'),
    idle_token_lifetime: lifetime.optional().describe('Period (in seconds) for which refresh tokens will remain valid without use'),
    infinite_token_lifetime: z.boolean().optional().describe('Prevents tokens from having a set lifetime when true (takes precedence over token_lifetime values)'),
    infinite_idle_token_lifetime: z.boolean().optional().describe('Prevents tokens from expiring without use when true (takes precedence over idle_token_lifetime values)'),
  })
  .strict();

const JwtConfiguration = z
  .object({
    lifetime_in_seconds: z.number().int().min(1).max(MAX_ID_TOKEN_LIFETIME).optional().describe('Number of seconds the JWT will be valid for (affects exp claim)'),
    alg: z.string().refine((v) => v === 'RS256', { error: (i) => `alg ${JSON.stringify(i.input).slice(0, 40)} is not supported by this service; use RS256` }).optional(),
  })
  .strict();
/** `secret_encoded` may come with a create (the Deploy CLI sends what it exported); it is read-only on PATCH. */
const CreateJwtConfiguration = JwtConfiguration.extend({ secret_encoded: z.boolean().optional() }).strict();

const descriptions = {
  name: 'Name of this client (min length: 1 character, does not allow `<` or `>`).',
  description: 'Free text description of this client (max length: 140 characters).',
  logo_uri: 'URL of the logo to display for this client. Recommended size is 150x150 pixels.',
  callbacks: 'Comma-separated list of URLs whitelisted for Auth0 to use as a callback to the client after authentication.',
  allowed_origins: 'Comma-separated list of URLs allowed to make requests from JavaScript to Auth0 API (typically used with CORS).',
  web_origins: 'Comma-separated list of allowed origins for use with Cross-Origin Authentication, Device Flow, and web message response mode.',
  allowed_logout_urls: 'Comma-separated list of URLs that are valid to redirect to after logout from Auth0. Wildcards are allowed for subdomains.',
  grant_types: 'List of grant types supported for this application. Can include `authorization_code`, `implicit`, `refresh_token`, `client_credentials`, `password`, `http://auth0.com/oauth/grant-type/password-realm`, `http://auth0.com/oauth/grant-type/mfa-oob`, `http://auth0.com/oauth/grant-type/mfa-otp`, `http://auth0.com/oauth/grant-type/mfa-recovery-code`, and `urn:ietf:params:oauth:grant-type:device_code`.',
  token_endpoint_auth_method: 'Defines the requested authentication method for the token endpoint. Can be `none` (public client without a client secret), `client_secret_post` (client uses HTTP POST parameters), or `client_secret_basic` (client uses HTTP Basic).',
  app_type: 'The type of application this client represents',
  is_first_party: 'Whether this client a first party client or not',
  client_metadata: 'Metadata associated with the client, in the form of an object with string values (max 255 chars). Maximum of 10 metadata properties allowed.',
  client_secret: 'Client secret (which you must not make public).',
  cross_origin_loc: 'URL of the location in your site where the cross origin verification takes place for the cross-origin auth flow when performing Auth in your own domain instead of Auth0 hosted login page.',
};

const fields = {
  name: name.describe(descriptions.name),
  description: notAngled(140).describe(descriptions.description),
  logo_uri: z.string().superRefine((v, ctx) => {
    const problem = urlProblem(v, 'url') ?? (/^https?:/i.test(v) && !v.includes('*') ? undefined : 'logo_uri must be an http or https URL without wildcards');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).describe(descriptions.logo_uri),
  callbacks: urlList('url').describe(descriptions.callbacks),
  allowed_origins: urlList('origin').describe(descriptions.allowed_origins),
  web_origins: urlList('origin').describe(descriptions.web_origins),
  allowed_logout_urls: urlList('url').describe(descriptions.allowed_logout_urls),
  grant_types: grantTypes.describe(descriptions.grant_types),
  token_endpoint_auth_method: z.enum(AUTH_METHODS).describe(descriptions.token_endpoint_auth_method),
  app_type: z.enum(APP_TYPES).describe(descriptions.app_type),
  is_first_party: z.boolean().describe(descriptions.is_first_party),
  oidc_conformant: z.boolean(),
  sso_disabled: z.boolean(),
  cross_origin_authentication: z.boolean(),
  cross_origin_loc: z.string().superRefine((v, ctx) => {
    // The page is framed by ours with `#origin=…` appended: an https URL without wildcard or fragment.
    const problem = urlProblem(v, 'url') ?? (/^https:/i.test(v) && !v.includes('*') && !v.includes('#') ? undefined : 'cross_origin_loc must be an https URL without wildcards or fragment');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).describe(descriptions.cross_origin_loc),
  custom_login_page_on: z.boolean(),
  is_token_endpoint_ip_header_trusted: z.boolean(),
  refresh_token: RefreshToken.describe('Refresh token configuration'),
  client_metadata: clientMetadata.describe(descriptions.client_metadata),
};

const urlListsWithinBudget = (body: Record<string, unknown>) =>
  Buffer.byteLength(JSON.stringify([body.callbacks, body.allowed_origins, body.web_origins, body.allowed_logout_urls]), 'utf8') <= MAX_URL_LIST_BYTES;
const budgetError = { error: `The URL lists (callbacks, allowed_origins, web_origins, allowed_logout_urls) together must stay under ${MAX_URL_LIST_BYTES} bytes` };

export const CreateClientBody = z
  .object(fields)
  .partial()
  .extend({
    name: fields.name,
    jwt_configuration: CreateJwtConfiguration.optional().describe('Configuration related to JWTs for the client'),
    /** Refused by the domain with Auth0's answer (an id is Auth0's to give). */
    client_id: z.string().max(200).optional(),
    client_secret: z.string().max(200).optional(),
  })
  .strict()
  .refine(urlListsWithinBudget, budgetError);
export type CreateClientBody = z.output<typeof CreateClientBody>;

/** Read-only fields (client_id, signing_keys, global, tenant, jwt_configuration.secret_encoded, …) are unknown here: a 400 naming them. */
export const UpdateClientBody = z
  .object(fields)
  .partial()
  .extend({
    jwt_configuration: JwtConfiguration.optional().describe('Configuration related to JWTs for the client'),
    client_secret: z
      .string()
      .min(MIN_CUSTOM_SECRET_LENGTH)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, { error: 'The client secret must be printable ASCII without spaces' })
      .optional()
      .describe(descriptions.client_secret),
    description: notAngled(140).nullable().optional().describe(descriptions.description),
    logo_uri: fields.logo_uri.nullable().optional(),
    cross_origin_loc: fields.cross_origin_loc.nullable().optional(),
    client_metadata: clientMetadata.nullable().optional().describe(descriptions.client_metadata),
  })
  .strict()
  .refine(urlListsWithinBudget, budgetError);
export type UpdateClientBody = z.output<typeof UpdateClientBody>;

export const ClientIdParams = z.object({
  id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, { error: (i) => `String does not match pattern ^[A-Za-z0-9_-]+$: ${String(i.input).slice(0, 80)}` }).describe('ID of the client'),
});

const fieldNames = CLIENT_FIELDS.join('|');
const fieldsPattern = new RegExp(`^((${fieldNames})(,(${fieldNames}))*)?$`);
const fieldList = z
  .string()
  .max(2000)
  .refine((v) => fieldsPattern.test(v), {
    error: (i) => `String '${String(i.input).slice(0, 200)}' does not match pattern. Must be a comma separated list of the following values: ${CLIENT_FIELDS.join(',')}`,
  })
  .transform((v) => v.split(',').filter(Boolean));

export const GetClientQuery = z
  .object({
    fields: fieldList.optional().describe('Comma-separated list of fields to include or exclude (based on value provided for include_fields) in the result. Leave empty to retrieve all fields.'),
    include_fields: queryBoolean.default(true).describe('Whether specified fields are to be included (true) or excluded (false).'),
  })
  .strict();

const appTypeList = z
  .string()
  .max(500)
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.every((t) => (APP_TYPES as readonly string[]).includes(t)), {
    error: (i) => `No enum match for: ${String(i.input).slice(0, 80)}; app_type must be a comma separated list of ${APP_TYPES.join(', ')}`,
  });

export const ListClientsQuery = GetClientQuery.extend({
  page: z.coerce.number().int().min(0).max(100_000).optional().describe('Page index of the results to return. First page is 0.'),
  per_page: z.coerce.number().int().min(1).max(100).optional().describe('Number of results per page. Default value is 50, maximum value is 100'),
  include_totals: queryBoolean.default(false).describe('Return results inside an object that contains the total result count (true) or as a direct array of results (false, default).'),
  is_global: queryBoolean.optional().describe('Optional filter on the global client parameter.'),
  is_first_party: queryBoolean.optional().describe('Optional filter on whether or not a client is a first-party client.'),
  app_type: appTypeList.optional().describe('Optional filter by a comma-separated list of application types.'),
  client_ids: z.string().max(5_000).transform((v) => v.split(',').filter(Boolean)).optional().describe('A comma separated list of client_ids used to filter the returned clients'),
}).strict();
export type ListClientsQuery = z.output<typeof ListClientsQuery>;
