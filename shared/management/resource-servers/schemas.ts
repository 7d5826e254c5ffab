// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { queryBoolean } from '#shared/platform/query-schemas';
import { RESOURCE_SERVER_FIELDS } from '#shared/management/resource-servers/model';

/**
 * Request shapes for /api/v2/resource-servers, with Auth0's bounds where known
 * (docs/apis-and-grants.md lists where we chose).
 */

/** Auth0: at most 1000 scopes per API (entity limits); token lifetimes up to 30 days. */
export const MAX_SCOPES = 1000;
export const MAX_TOKEN_LIFETIME = 2_592_000;
export const DEFAULT_TOKEN_LIFETIME = 86_400;
export const DEFAULT_TOKEN_LIFETIME_FOR_WEB = 7_200;

const matching = (base: z.ZodString, pattern: RegExp, what: string) =>
  base.refine((v) => pattern.test(v), { error: (i) => `String does not match pattern ${what}: ${String(i.input)}` });

/**
 * An identifier (audience) is part of DynamoDB keys (`IDENTIFIER#…`, `GRANT#…`), whose sort keys
 * hold at most 1,024 bytes: it is capped at 600 bytes of UTF-8 (600 ASCII characters, 200 CJK
 * ones), which leaves room for the prefixes.
 */
export const MAX_IDENTIFIER_BYTES = 600;
export const fitsIdentifierBytes = (value: string): boolean => Buffer.byteLength(value, 'utf8') <= MAX_IDENTIFIER_BYTES;
export const identifierBytes = (base: z.ZodString) =>
  base.refine(fitsIdentifierBytes, {
    error: (i) => `String is too long (${Buffer.byteLength(String(i.input), 'utf8')} bytes in UTF-8), maximum ${MAX_IDENTIFIER_BYTES} bytes`,
    abort: true,
  });

/** No whitespace or control characters: an audience travels in `aud` and in space-separated lists. */
const VISIBLE = /^[^\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u;
const identifier = matching(identifierBytes(z.string().min(1).max(600)), VISIBLE, '^[^\\s]+$');
/** Auth0's name pattern refuses `<` and `>`. */
const name = matching(z.string().min(1).max(200), /^[^<>\p{Cc}]+$/u, '^[^<>]+$');
const scopeValue = matching(z.string().min(1).max(280), VISIBLE, '^[^\\s]+$');

const Scope = z
  .object({
    value: scopeValue.describe('Value of this scope'),
    description: z.string().max(500).refine((v) => !/[<>]/.test(v), { error: 'String must not contain < or >' }).optional().describe('User-friendly description of this scope'),
  })
  .strict();

const scopes = z
  .array(Scope)
  .max(MAX_SCOPES)
  .refine((list) => new Set(list.map((s) => s.value)).size === list.length, { error: 'Scope values must be unique' });

/** Only RS256 here: HS256 needs a shared secret per API, PS256 a second signing key type (docs/apis-and-grants.md). */
const signingAlg = z.string().refine((v) => v === 'RS256', {
  error: (i) => `signing_alg ${JSON.stringify(i.input).slice(0, 40)} is not supported by this service; use RS256`,
});
const lifetime = z.number().int().min(1).max(MAX_TOKEN_LIFETIME);
/** RBAC (enforce_policies) and the permissions dialects are not run here: only their off values are accepted. */
const enforcePolicies = z.boolean().refine((v) => v === false, { error: 'enforce_policies (RBAC) is not supported by this service' });
const tokenDialect = z.string().refine((v) => v === 'access_token', {
  error: (i) => `token_dialect ${JSON.stringify(i.input).slice(0, 40)} is not supported by this service; use access_token`,
});

const descriptions = {
  identifier: 'Unique identifier for the API used as the audience parameter on authorization calls. Can not be changed once set.',
  name: 'Friendly name for this resource server. Can not contain `<` or `>` characters.',
  scopes: 'List of permissions (scopes) that this API uses.',
  signing_alg: 'Algorithm used to sign JWTs. Can be `HS256` or `RS256`. `PS256` available via addon.',
  token_lifetime: 'Expiration value (in seconds) for access tokens issued for this API from the token endpoint.',
  token_lifetime_for_web: 'Expiration value (in seconds) for access tokens issued for this API via Implicit or Hybrid Flows.',
  allow_offline_access: 'Whether refresh tokens can be issued for this API (true) or not (false).',
  skip_consent: 'Whether to skip user consent for applications flagged as first party (true) or not (false).',
};

/** Every field but the identifier, each optional, with Auth0's description (shown in validation messages). */
const fields = {
  name: name.optional().describe(descriptions.name),
  scopes: scopes.optional().describe(descriptions.scopes),
  signing_alg: signingAlg.optional().describe(descriptions.signing_alg),
  token_lifetime: lifetime.optional().describe(descriptions.token_lifetime),
  token_lifetime_for_web: lifetime.optional().describe(descriptions.token_lifetime_for_web),
  allow_offline_access: z.boolean().optional().describe(descriptions.allow_offline_access),
  skip_consent_for_verifiable_first_party_clients: z.boolean().optional().describe(descriptions.skip_consent),
  enforce_policies: enforcePolicies.optional(),
  token_dialect: tokenDialect.optional(),
};

export const CreateResourceServerBody = z.object({ identifier: identifier.describe(descriptions.identifier), ...fields }).strict();
export type CreateResourceServerBody = z.output<typeof CreateResourceServerBody>;

/** Everything but the identifier, which is immutable (sending it is a 400 naming it). */
export const UpdateResourceServerBody = z.object(fields).strict();
export type UpdateResourceServerBody = z.output<typeof UpdateResourceServerBody>;

/** An id (24 hex) or, for GET, an identifier (URL-encoded in the path). */
export const ResourceServerIdParams = z.object({
  id: z.string().min(1).max(600).describe('ID or audience of the resource server to retrieve'),
});

const fieldNames = RESOURCE_SERVER_FIELDS.join('|');
const fieldsPattern = new RegExp(`^((${fieldNames})(,(${fieldNames}))*)?$`);
const fieldList = z
  .string()
  .refine((v) => fieldsPattern.test(v), {
    error: (i) =>
      `String '${String(i.input).slice(0, 200)}' does not match pattern. Must be a comma separated list of the following values: ${RESOURCE_SERVER_FIELDS.join(',')}`,
  })
  .transform((v) => v.split(',').filter(Boolean));

export const GetResourceServerQuery = z
  .object({
    fields: fieldList.optional().describe('Comma-separated list of fields to include or exclude (based on value provided for include_fields) in the result. Leave empty to retrieve all fields'),
    include_fields: queryBoolean.default(true).describe('Whether specified fields are to be included (true) or excluded (false)'),
  })
  .strict();

export const ListResourceServersQuery = GetResourceServerQuery.extend({
  page: z.coerce.number().int().min(0).max(100_000).optional().describe('Page index of the results to return. First page is 0'),
  per_page: z.coerce.number().int().min(1).max(100).optional().describe('Number of results per page'),
  include_totals: queryBoolean.default(false).describe('Return results inside an object that contains the total result count (true) or as a direct array of results (false, default)'),
  /** Repeatable: the handler reads every value; this checks the last one's shape. */
  identifiers: identifier.optional().describe('An optional filter on the resource server identifier. Must be URL encoded and may be specified multiple times (max 10)'),
}).strict();
export type ListResourceServersQuery = z.output<typeof ListResourceServersQuery>;
