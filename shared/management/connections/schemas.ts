// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { queryBoolean } from '#shared/platform/query-schemas';
import { isPlainObject } from '#shared/platform/json';
import { jsonType } from '#shared/platform/validation';
import { PASSWORD_POLICY_LEVELS } from '#shared/tenant/passwords/policy';
import { CONNECTION_FIELDS } from '#shared/management/connections/model';

/**
 * Request shapes for /api/v2/connections (strategy `auth0`), with Auth0's names, bounds and field
 * descriptions (they appear in validation messages). Objects are strict: an unknown key is a 400
 * naming it, except the few options Auth0 gives every new database connection, which the SDK and
 * the Deploy CLI send back (kept as given: docs/connections.md).
 */

/** z-schema's wording for a pattern mismatch. */
const matching = (base: z.ZodString, pattern: RegExp) =>
  base.refine((v) => pattern.test(v), { error: (i) => `String does not match pattern ${pattern.source}: ${String(i.input)}` });

/** Auth0's connection name: alphanumerics and '-', starting and ending alphanumeric, ≤ 128. */
export const CONNECTION_NAME_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** A custom script: Auth0 stores scripts of about this size; six of them keep the item far below 400 KB. */
export const MAX_SCRIPT_BYTES = 50 * 1024;
/** The whole options object, serialised: the record must stay below DynamoDB's 400 KB item limit. */
export const MAX_OPTIONS_BYTES = 350 * 1024;
export const MAX_CONFIGURATION_KEYS = 50;
export const MAX_CONFIGURATION_VALUE_LENGTH = 4_096;
export const MAX_ENABLED_CLIENTS = 1_000;
/** Auth0's `password_history.size` and dictionary bounds. */
export const MAX_PASSWORD_HISTORY = 24;
export const MAX_DICTIONARY_ENTRIES = 200;
export const MAX_DICTIONARY_ENTRY_LENGTH = 50;
/** Auth0's username length bounds (default 1-15, at most 128). */
export const USERNAME_LENGTH = { min: 1, max: 128, defaultMin: 1, defaultMax: 15 } as const;

const connectionName = matching(z.string().min(1).max(128), CONNECTION_NAME_PATTERN);
const clientId = matching(z.string().min(1).max(64), /^[A-Za-z0-9_-]+$/);
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

const script = z.string().refine((s) => bytes(s) <= MAX_SCRIPT_BYTES, {
  error: (i) => `Script is larger than ${MAX_SCRIPT_BYTES} bytes (${bytes(String(i.input))} bytes)`,
});

/** zod's record would drop a `__proto__` key silently; it is refused instead (JSON.parse makes it an own key). */
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];
const withoutReservedKeys = <S extends z.ZodType>(schema: S) =>
  z
    .custom<unknown>((v) => !isPlainObject(v) || !RESERVED_KEYS.some((k) => Object.hasOwn(v, k)), {
      error: `Property names ${RESERVED_KEYS.join(', ')} are not allowed`,
    })
    .pipe(schema);

/** A configuration key names a setting the scripts read (`configuration.KEY`): an identifier. */
const configurationKey = /^[A-Za-z_$][A-Za-z0-9_$]{0,127}$/;
const configuration = withoutReservedKeys(z
  .record(
    z.string().regex(configurationKey, { error: (i) => `Configuration key does not match pattern ${configurationKey.source}: ${String(i.input).slice(0, 130)}` }),
    z.string().max(MAX_CONFIGURATION_VALUE_LENGTH),
  )
  .refine((c) => Object.keys(c).length <= MAX_CONFIGURATION_KEYS, { error: `Too many properties defined, maximum ${MAX_CONFIGURATION_KEYS}` }));

/** Auth0 gives every new database connection these; they are kept as given (bounded JSON). */
const echoed = z.custom<unknown>((v) => v === null || ['boolean', 'number', 'string'].includes(typeof v) || ((isPlainObject(v) || Array.isArray(v)) && bytes(JSON.stringify(v)) <= 4_096), {
  error: (i) => `Expected a JSON value of at most 4096 bytes but found type ${jsonType(i.input)}`,
});

const enableOnly = z.object({ enable: z.boolean().optional() }).strict();

export const DatabaseOptions = z
  .object({
    passwordPolicy: z.enum(PASSWORD_POLICY_LEVELS).nullable().optional().describe('Password strength level'),
    password_complexity_options: z
      .object({ min_length: z.number().int().min(1).max(128).optional() })
      .strict()
      .nullable()
      .optional(),
    password_history: z
      .object({ enable: z.boolean().optional(), size: z.number().int().min(0).max(MAX_PASSWORD_HISTORY).optional() })
      .strict()
      .nullable()
      .optional(),
    password_no_personal_info: enableOnly.nullable().optional(),
    password_dictionary: z
      .object({
        enable: z.boolean().optional(),
        dictionary: z.array(z.string().min(1).max(MAX_DICTIONARY_ENTRY_LENGTH)).max(MAX_DICTIONARY_ENTRIES).optional(),
      })
      .strict()
      .nullable()
      .optional(),
    requires_username: z.boolean().optional(),
    validation: z
      .object({
        username: z
          .object({
            min: z.number().int().min(USERNAME_LENGTH.min).max(USERNAME_LENGTH.max).optional(),
            max: z.number().int().min(USERNAME_LENGTH.min).max(USERNAME_LENGTH.max).optional(),
          })
          .strict()
          .refine((u) => (u.min ?? USERNAME_LENGTH.defaultMin) <= (u.max ?? USERNAME_LENGTH.defaultMax), {
            error: 'validation.username.min must not be greater than validation.username.max',
          })
          .nullable()
          .optional(),
      })
      .strict()
      .nullable()
      .optional(),
    brute_force_protection: z.boolean().optional(),
    disable_signup: z.boolean().optional(),
    enabledDatabaseCustomization: z.boolean().optional(),
    import_mode: z.boolean().optional(),
    enable_script_context: z.boolean().optional(),
    customScripts: z
      .object({
        login: script.optional(),
        get_user: script.optional(),
        create: script.optional(),
        verify: script.optional(),
        change_password: script.optional(),
        delete: script.optional(),
        change_email: script.optional(),
      })
      .strict()
      .optional(),
    configuration: configuration.optional(),
    mfa: echoed.optional(),
    strategy_version: echoed.optional(),
    authentication_methods: echoed.optional(),
    passkey_options: echoed.optional(),
  })
  .strict()
  .refine((o) => bytes(JSON.stringify(o)) <= MAX_OPTIONS_BYTES, { error: `The options are larger than ${MAX_OPTIONS_BYTES} bytes` });
export type DatabaseOptions = z.output<typeof DatabaseOptions>;
/** A create's options, checked once the strategy is known (messages name `options.<key>`). */
export const DatabaseOptionsBody = z.object({ options: DatabaseOptions });

/** Auth0's metadata: at most 10 keys, string values of at most 255 characters. */
const metadata = withoutReservedKeys(z
  .record(z.string().min(1).max(255), z.string().max(255))
  .refine((m) => Object.keys(m).length <= 10, { error: 'Too many properties defined, maximum 10' }));

const descriptions = {
  name: 'The name of the connection. Must start and end with an alphanumeric character and can only contain alphanumeric characters and \'-\'. Max length 128',
  strategy: 'The identity provider identifier for the connection',
  display_name: 'Connection name used in the new universal login experience',
  options: 'The connection\'s options (depend on the connection strategy)',
  enabled_clients: 'The identifiers of the clients for which the connection is to be enabled',
  is_domain_connection: 'true promotes to a domain-level connection so that third-party applications can use it',
  realms: 'Defines the realms for which the connection will be used (ie: email domains)',
  metadata: 'Metadata associated with the connection in the form of an object with string values (max 255 chars)',
};

const enabledClients = z.array(clientId).max(MAX_ENABLED_CLIENTS);
const realms = z.array(matching(z.string().min(1).max(255), /^[^\s]+$/)).max(10);
const displayName = z.string().max(128);

export const CreateConnectionBody = z
  .object({
    name: connectionName.describe(descriptions.name),
    strategy: z.string().min(1).max(128).describe(descriptions.strategy),
    display_name: displayName.optional().describe(descriptions.display_name),
    // Checked against DatabaseOptions once the strategy is known to be `auth0`.
    options: z.custom<Record<string, unknown>>(isPlainObject, { error: (i) => `Expected type object but found type ${jsonType(i.input)}` }).optional().describe(descriptions.options),
    enabled_clients: enabledClients.optional().describe(descriptions.enabled_clients),
    is_domain_connection: z.boolean().optional().describe(descriptions.is_domain_connection),
    realms: realms.optional().describe(descriptions.realms),
    metadata: metadata.optional().describe(descriptions.metadata),
    show_as_button: z.boolean().optional().describe('Enables showing a button for the connection in the login page'),
  })
  .strict();
export type CreateConnectionBody = z.output<typeof CreateConnectionBody>;

export const UpdateConnectionBody = z
  .object({
    display_name: displayName.optional().describe(descriptions.display_name),
    options: DatabaseOptions.nullable().optional().describe(descriptions.options),
    enabled_clients: enabledClients.optional().describe(descriptions.enabled_clients),
    is_domain_connection: z.boolean().optional().describe(descriptions.is_domain_connection),
    realms: realms.optional().describe(descriptions.realms),
    metadata: metadata.nullable().optional().describe(descriptions.metadata),
    show_as_button: z.boolean().optional().describe('Enables showing a button for the connection in the login page'),
  })
  .strict();
export type UpdateConnectionBody = z.output<typeof UpdateConnectionBody>;

/** Connection ids: `con_` and 16 alphanumerics; anything else cannot exist. */
export const ConnectionIdParams = z.object({
  id: z.string().min(1).max(64).describe('The id of the connection'),
});

const fieldsPattern = new RegExp(`^((${CONNECTION_FIELDS.join('|')})(,(${CONNECTION_FIELDS.join('|')}))*)?$`);
const fields = z
  .string()
  .refine((v) => fieldsPattern.test(v), {
    error: (i) => `String '${String(i.input).slice(0, 200)}' does not match pattern. Must be a comma separated list of the following values: ${CONNECTION_FIELDS.join(',')}`,
  })
  .transform((v) => v.split(',').filter(Boolean));

export const GetConnectionQuery = z
  .object({
    fields: fields.optional().describe('A comma separated list of fields to include or exclude (depending on include_fields) from the result, empty to retrieve all fields'),
    include_fields: queryBoolean.default(true).describe('true if the fields specified are to be included in the result, false otherwise (defaults to true)'),
  })
  .strict();

export const ListConnectionsQuery = GetConnectionQuery.extend({
  per_page: z.coerce.number().int().min(1).max(100).optional().describe('The amount of entries per page. Defaults to 100 if not provided'),
  page: z.coerce.number().int().min(0).optional().describe('The page number. Zero based'),
  include_totals: queryBoolean.default(false).describe('true if a query summary must be included in the result, false otherwise. Default false.'),
  // Repeatable: the handler reads every occurrence; this checks the last.
  strategy: z.string().min(1).max(128).optional().describe('Provide strategies to only retrieve connections with such strategies'),
  name: z.string().min(1).max(128).optional().describe('Provide the name of the connection to retrieve'),
  from: z.string().max(512).optional().describe('Optional Id from which to start selection'),
  take: z.coerce.number().int().min(1).max(100).optional().describe('Number of results per page. Defaults to 50'),
}).strict();
export type ListConnectionsQuery = z.output<typeof ListConnectionsQuery>;
