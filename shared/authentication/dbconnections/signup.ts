import { isClientEnabled, loadClient } from '#shared/tenant/clients';
import type { ClientRecord } from '#shared/db/clients-repo';
import { connectionByName } from '#shared/tenant/connections';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { ConnectionNotFoundError } from '#shared/tenant/errors';
import { MetadataLimitError, UserExistsError } from '#shared/management/errors';
import { checkPassword, describePolicy, policyFor } from '#shared/tenant/passwords/policy';
import type { SignupParams } from '#shared/authentication/dbconnections/body';
import {
  ConnectionNotEnabledForSignupError,
  InvalidSignupError,
  InvalidSignupParameterError,
  InvalidUsernameLengthError,
  PasswordDictionaryError,
  PasswordNoUserInfoError,
  PasswordStrengthError,
  SignupDisabledError,
} from '#shared/authentication/errors';
import { passwordRuleFailure } from '#shared/tenant/passwords/rules';
import { usernameLengthProblem } from '#shared/tenant/passwords/usernames';
import { readSignupInput, type SignupInput } from '#shared/authentication/dbconnections/input';
import { signupUserMetadata } from '#shared/authentication/dbconnections/signup-metadata';
import { insertSignupUser } from '#shared/authentication/dbconnections/custom-db-signup';
import { idWithoutProvider, type UserRecord } from '#shared/management/users/model';
import { normaliseEmail } from '#shared/db/keys';
import { runPreUserRegistration, type RegistrationRequest } from '#shared/authentication/dbconnections/pre-user-registration';
import { loadRegistrationExtensions } from '#shared/sandbox/load';

export type { RegistrationRequest } from '#shared/authentication/dbconnections/pre-user-registration';

/**
 * Database signups: POST /dbconnections/signup and the hosted signup page (issue 11) both go
 * through registerDatabaseUser, with the name fields and string-only user_metadata Auth0 allows
 * there. Checks that need no I/O come first; then the client, the connection and its password
 * policy; then the pre-user-registration actions (pre-user-registration.ts), whose metadata
 * changes are merged in before the write; then one transaction writes the user and its claims
 * (a custom database connection runs its scripts first: custom-db-signup.ts). A
 * taken email or username is Auth0's vague `invalid_signup`, reached after the same actions, the
 * same hashing and the same single write as a success, so neither the body nor the time taken
 * tells whether an account exists.
 */

/** Our ids and names stay far below this; longer values cannot exist and must not become keys. */
const MAX_LOOKUP_LENGTH = 128;
const DATABASE_STRATEGY = 'auth0';

/** POST /dbconnections/signup: Auth0's answer for the user registerDatabaseUser created. */
export async function signUp(params: SignupParams, request: RegistrationRequest): Promise<Record<string, unknown>> {
  const { user, input } = await register(params, request);
  return signupResponse(user, input);
}

/**
 * Everything /dbconnections/signup does up to and including the user's insert, with the
 * pre-user-registration trigger run between the checks and the insert. Throws the signup's
 * SignupErrors (ActionValidationError and ActionDeniedSignupError carry a `userMessage`).
 */
export async function registerDatabaseUser(params: SignupParams, request: RegistrationRequest): Promise<UserRecord> {
  return (await register(params, request)).user;
}

async function register(params: SignupParams, request: RegistrationRequest): Promise<{ user: UserRecord; input: SignupInput }> {
  const input = readSignupInput(params);
  const user_metadata = signupUserMetadata(input.user_metadata);
  // Before the client and connection reads: a reload that finds the tenant changed clears their
  // caches (sandbox/load.ts), so this signup reads them fresh rather than the next one.
  const extensions = await loadRegistrationExtensions();
  const client = await knownClient(input.client_id);
  const connection = await databaseConnection(input.connection);
  assertConnectionAccepts(connection, input);
  const fields = fieldsOf(input);
  // Auth0's event.user: what the signup set, without the password (or phone_verified, which it does not list).
  const { password, phone_verified: _verified, ...profile } = fields as ReturnType<typeof fieldsOf> & { phone_verified?: boolean };
  const metadata = await runPreUserRegistration(extensions, {
    client,
    connection,
    user: { ...profile, email: normaliseEmail(input.email), username: input.username?.toLowerCase(), user_metadata },
    request,
  });
  try {
    const user = await insertSignupUser(connection, { ...fields, password, ...metadata, client_id: input.client_id });
    return { user, input };
  } catch (error) {
    if (error instanceof UserExistsError) throw new InvalidSignupError();
    // A declared search index's type (user_metadata.age: number, and signup sends strings).
    if (error instanceof MetadataLimitError) throw new InvalidSignupParameterError(error.message);
    // The connection's deletion began after this function's cached read of it.
    if (error instanceof ConnectionNotFoundError) throw new InvalidSignupParameterError('The connection does not exist.');
    throw error;
  }
}

/** The connection's rules for this signup: enabled for the client, open to signups, its username rules and password policy. */
function assertConnectionAccepts(connection: ConnectionRecord, input: SignupInput): void {
  if (!isClientEnabled(connection, input.client_id)) throw new ConnectionNotEnabledForSignupError(input.client_id, connection.name);
  if (connection.options.disable_signup === true) throw new SignupDisabledError();
  assertUsernameRule(connection, input.username);
  const policy = policyFor(connection.options);
  const report = checkPassword(policy, input.password);
  if (!report.verified) throw new PasswordStrengthError(report, describePolicy(policy));
  const failure = passwordRuleFailure(connection.options, input.password, input);
  if (failure === 'dictionary') throw new PasswordDictionaryError();
  if (failure === 'personal_info') throw new PasswordNoUserInfoError();
}

async function knownClient(clientId: string): Promise<ClientRecord> {
  const known = clientId.length <= MAX_LOOKUP_LENGTH ? await loadClient(clientId) : undefined;
  if (!known) throw new InvalidSignupParameterError('Unknown client');
  return known.client;
}

async function databaseConnection(name: string): Promise<ConnectionRecord> {
  const notFound = () => new InvalidSignupParameterError('The connection does not exist.');
  if (name.length > MAX_LOOKUP_LENGTH) throw notFound();
  let connection: ConnectionRecord;
  try {
    connection = await connectionByName(name);
  } catch (error) {
    if (error instanceof ConnectionNotFoundError) throw notFound();
    throw error;
  }
  if (connection.strategy !== DATABASE_STRATEGY) throw new InvalidSignupParameterError('This endpoint only works for database connections.');
  return connection;
}

function assertUsernameRule(connection: ConnectionRecord, username: string | undefined): void {
  const requiresUsername = connection.options.requires_username === true;
  if (username !== undefined && !requiresUsername) throw new InvalidSignupParameterError('Cannot set username for connection without requires_username');
  if (username === undefined && requiresUsername) throw new InvalidSignupParameterError('username is required');
  if (username !== undefined && usernameLengthProblem(connection.options, username)) throw new InvalidUsernameLengthError();
}

const PROFILE_FIELDS = ['given_name', 'family_name', 'name', 'nickname', 'picture'] as const;

function fieldsOf(input: SignupInput) {
  const fields = Object.fromEntries(PROFILE_FIELDS.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]));
  return {
    ...fields,
    email: input.email,
    password: input.password,
    username: input.username,
    ...(input.phone_number !== undefined ? { phone_number: input.phone_number, phone_verified: false } : {}),
  };
}

/**
 * Auth0's signup answer: the id without its `auth0|` provider, then what the request set, as
 * stored (email and username lower-cased). Key order as Auth0's documentation and recordings
 * show it; empty user_metadata is left out (go-auth0 recordings, 2024).
 */
function signupResponse(user: UserRecord, input: SignupInput): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: idWithoutProvider(user.user_id), email_verified: user.email_verified, email: user.email };
  if (user.username !== undefined) out.username = user.username;
  for (const field of PROFILE_FIELDS) if (input[field] !== undefined) out[field] = user[field];
  if (user.phone_number !== undefined) Object.assign(out, { phone_number: user.phone_number, phone_verified: user.phone_verified });
  if (Object.keys(user.user_metadata).length > 0) out.user_metadata = user.user_metadata;
  return out;
}
