// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { queryBoolean } from '#shared/platform/query-schemas';
import { jsonType } from '#shared/platform/validation';
import { isPlainObject } from '#shared/platform/json';

/**
 * Request shapes for the users endpoints, with Auth0's field descriptions (they appear in
 * validation messages). Metadata objects pass through by reference so key names are never
 * re-assigned onto a fresh object (where `__proto__` would act).
 */
export const ADDITIONAL_PROPERTIES_HINT =
  ' (consider storing them in app_metadata or user_metadata. See "Users Metadata" in https://auth0.com/docs/api/v2/changes for more details)';

const jsonObject = () =>
  z.custom<Record<string, unknown>>(isPlainObject, {
    error: (issue) => `Expected type object but found type ${jsonType(issue.input)}`,
  });

const passwordBytes = (p: string) => Buffer.byteLength(p, 'utf8') <= 72;

const email = z.email({ error: (i) => `Object didn't pass validation for format email: ${String(i.input)}` }).max(254);
const password = z.string().min(1).refine(passwordBytes, 'Password is longer than 72 bytes');
const username = z.string().min(1).max(128).regex(/^[A-Za-z0-9_+\-.!#$'^`~@]+$/);
const phone = z.string().regex(/^\+[0-9]{1,15}$/);
const personName = z.string().min(1).max(150);
const nickname = z.string().min(1).max(350);
const picture = z.url();

/** Anything that becomes part of a DynamoDB key stays far below its 2 KB key limit. */
const connectionName = z.string().min(1).max(128);

export const UserIdParams = z.object({
  id: z.string().min(1).max(512).describe('ID of the user'),
});

export const CreateUserBody = z
  .object({
    connection: connectionName.describe('The connection the user belongs to'),
    email: email.optional().describe("The user's email"),
    password: password.optional().describe('The initial password for this user (mandatory for database connections)'),
    // No '%': ids travel in URL paths, and an id that decodes to another must not exist.
    user_id: z.string().min(1).max(255).regex(/^[^|%\s]+$/).optional().describe('The id of the user without the provider prefix'),
    username: username.optional().describe("The user's username"),
    phone_number: phone.optional().describe("The user's phone number (following the E.164 recommendation)"),
    given_name: personName.optional().describe("The user's given name(s)"),
    family_name: personName.optional().describe("The user's family name(s)"),
    name: personName.optional().describe("The user's full name"),
    nickname: nickname.optional().describe("The user's nickname"),
    picture: picture.optional().describe('A URI pointing to the user\'s picture'),
    email_verified: z.boolean().optional().describe('Whether this email address is verified (true) or unverified (false)'),
    phone_verified: z.boolean().optional().describe('Whether this phone number has been verified (true) or not (false)'),
    verify_email: z.boolean().optional().describe('Whether the user will receive a verification email after creation'),
    blocked: z.boolean().optional().describe('Whether this user was blocked by an administrator'),
    user_metadata: jsonObject().optional().describe('Data related to the user that does not affect the application\'s core functionality'),
    app_metadata: jsonObject().optional().describe('Data related to the user that does affect the application\'s core functionality'),
  })
  .strict()
  .meta({ additionalPropertiesHint: ADDITIONAL_PROPERTIES_HINT });
export type CreateUserBody = z.output<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({
    email: email.optional().describe("The user's email"),
    email_verified: z.boolean().optional().describe('Whether this email address is verified (true) or unverified (false)'),
    verify_email: z.boolean().optional().describe('Whether the user will receive a verification email after the change'),
    password: password.optional().describe('The new password for this user'),
    username: username.optional().describe("The user's username"),
    phone_number: phone.nullable().optional().describe("The user's phone number (following the E.164 recommendation)"),
    phone_verified: z.boolean().optional().describe('Whether this phone number has been verified (true) or not (false)'),
    verify_phone_number: z.boolean().optional().describe('Whether the user will receive a text after changing the phone number'),
    given_name: personName.nullable().optional().describe("The user's given name(s)"),
    family_name: personName.nullable().optional().describe("The user's family name(s)"),
    name: personName.nullable().optional().describe("The user's full name"),
    nickname: nickname.nullable().optional().describe("The user's nickname"),
    picture: picture.nullable().optional().describe("A URI pointing to the user's picture"),
    blocked: z.boolean().optional().describe('Whether this user was blocked by an administrator'),
    connection: connectionName.optional().describe('The connection of the identity whose email, password or username changes'),
    client_id: z.string().min(1).optional().describe('The client whose email templates are used for an email change'),
    user_metadata: jsonObject().optional().describe('Data related to the user that does not affect the application\'s core functionality'),
    app_metadata: jsonObject().optional().describe('Data related to the user that does affect the application\'s core functionality'),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { error: 'Too few properties defined (0), minimum 1' })
  .meta({ additionalPropertiesHint: ADDITIONAL_PROPERTIES_HINT });
export type UpdateUserBody = z.output<typeof UpdateUserBody>;

/** Root fields a list can be sorted by (Auth0 does not sort by metadata). */
export const SORTABLE_FIELDS = [
  'created_at', 'updated_at', 'last_login', 'logins_count', 'email', 'email_verified', 'name', 'nickname',
  'given_name', 'family_name', 'user_id', 'username', 'blocked',
] as const;

const fieldList = z
  .string()
  .regex(/^[A-Za-z0-9_.]*(,[A-Za-z0-9_.]+)*$/)
  .transform((v) => v.split(',').filter(Boolean));

export const GetUserQuery = z
  .object({
    fields: fieldList.optional().describe('Comma-separated list of fields to include or exclude (based on value provided for include_fields) in the result. Leave empty to retrieve all fields'),
    include_fields: queryBoolean.default(true).describe('Whether specified fields are to be included (true) or excluded (false)'),
  })
  .strict();

export const UsersByEmailQuery = GetUserQuery.extend({
  email: email.describe('Email address to search for (case-sensitive)'),
}).strict();

export const ListUsersQuery = GetUserQuery.extend({
  page: z.coerce.number().int().min(0).default(0).describe('Page index of the results to return. First page is 0'),
  per_page: z.coerce.number().int().min(1).max(100).default(50).describe('Number of results per page'),
  include_totals: queryBoolean.default(false).describe('Return results inside an object that contains the total result count (true) or as a direct array of results (false, default)'),
  sort: z
    .string()
    .regex(new RegExp(`^(${SORTABLE_FIELDS.join('|')}):(1|-1)$`), { error: (i) => `Cannot sort by ${String(i.input)}; use field:1 or field:-1 with one of ${SORTABLE_FIELDS.join(', ')}` })
    .optional().describe('Field to sort by. Use field:order where order is 1 for ascending and -1 for descending'),
  connection: z.string().optional().describe('Connection filter'),
  q: z.string().optional().describe('Query in Lucene query string syntax'),
  search_engine: z.enum(['v1', 'v2', 'v3']).optional().describe('The version of the search engine'),
  primary_order: queryBoolean.optional().describe('If true (default), results are returned in a deterministic order'),
}).strict();
export type ListUsersQuery = z.output<typeof ListUsersQuery>;
