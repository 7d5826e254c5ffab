import { ManagementError, OAuthError, SignupError } from '#shared/platform/errors';
import type { PolicyReport } from '#shared/tenant/passwords/policy';

/**
 * The Authentication API's error catalogue: every refusal /oauth/token, /userinfo and
 * /dbconnections/signup can answer, one class per kind, with Auth0's status, code and words.
 * shared/http/serialize.ts turns them into bodies: OAuthError into `{error, error_description}`
 * (plus the class's headers and `cache-control: no-store`), SignupError into
 * `{name, code, description, statusCode}`. Two answers are not built here: a rate limit's 429
 * `too_many_requests` (the serializer, from platform's TooManyRequestsError) and the fixed 500
 * `server_error` (any other error, HiddenServerError included).
 *
 * POST /oauth/token
 *   400 invalid_request         InvalidRequestError, MissingParameterError, UnknownConnectionError,
 *                               ConnectionDisabledError
 *   400 unsupported_grant_type  UnsupportedGrantTypeError
 *   401 access_denied           InvalidClientError (client authentication), LoginDeniedError (a rule or action)
 *   401 unauthorized            UserBlockedError
 *   403 unauthorized_client     UnauthorizedClientError
 *   403 invalid_grant           WrongCredentialsError, InvalidRefreshTokenError, InvalidAuthorizationCodeError,
 *                               CodeVerifierMismatchError, CustomDbLoginFailedError (a custom database's login script)
 *   400 invalid_request         CodeVerifierRequiredError
 *   403 access_denied           OriginNotAllowedError (a browser's Origin the application does not allow)
 *   403 access_denied           AudienceRequiredError, UnknownAudienceError, NoClientGrantError,
 *                               ClientScopesNotGrantedError, RefreshScopesNotGrantedError
 *   429 too_many_attempts       IpBlockedError, AccountThrottledError (with Retry-After)
 *
 * GET /userinfo
 *   401 invalid_token           InvalidTokenError (with the WWW-Authenticate it was given, if any)
 *   403 insufficient_scope      OpenidScopeRequiredError
 *
 * POST /dbconnections/signup
 *   400 BadRequestError         InvalidSignupParameterError, InvalidSignupError, ConnectionNotEnabledForSignupError
 *   400 PasswordStrengthError   PasswordStrengthError
 *   400 BadRequestError (the action's code)         ActionValidationError (api.validation.error)
 *   400 InternalExtensibilityError extensibility_error  ActionDeniedSignupError, ActionFailedSignupError
 *   400 BadRequestError custom_db_error (or the script's code)  CustomDbSignupError, CustomDbValidationSignupError
 *   415 UnsupportedMediaTypeError  UnsupportedMediaTypeError
 *
 * docs/authentication-errors.md has the same list as a table, with when each is answered.
 */

// ---- /oauth/token: the request ----------------------------------------------------------------

/** A parameter missing or malformed, a body that cannot be read, two client authentication methods. */
export class InvalidRequestError extends OAuthError {
  constructor(description: string) {
    super(400, 'invalid_request', description);
  }
}

export class MissingParameterError extends InvalidRequestError {
  constructor(parameter: string) {
    super(`Missing required parameter: ${parameter}`);
  }
}

/** A password-realm login naming a connection the tenant does not have. */
export class UnknownConnectionError extends InvalidRequestError {
  constructor(connection: string) {
    super(`The connection ${connection} does not exist`);
  }
}

export class UnsupportedGrantTypeError extends OAuthError {
  constructor(grantType: string) {
    super(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  }
}

// ---- /oauth/token: the client -----------------------------------------------------------------

/**
 * Client authentication failed (unknown client, missing or wrong secret). RFC 6749 calls this
 * invalid_client; Auth0 answers 401 access_denied "Unauthorized", with no WWW-Authenticate.
 */
export class InvalidClientError extends OAuthError {
  constructor() {
    super(401, 'access_denied', 'Unauthorized');
  }
}

/** The client may not use this grant type (its `grant_types`). */
export class UnauthorizedClientError extends OAuthError {
  constructor(grantType: string) {
    super(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
  }
}

// ---- /oauth/token: the grant ------------------------------------------------------------------

/** Auth0 answers invalid_grant with 403, not RFC 6749's 400. */
export class InvalidGrantError extends OAuthError {
  constructor(description: string) {
    super(403, 'invalid_grant', description);
  }
}

/** The same answer whether the user exists or not. */
export class WrongCredentialsError extends InvalidGrantError {
  constructor() {
    super('Wrong email or password.');
  }
}

/** Unknown, forged, expired, revoked or reused: a refresh token never says which. */
export class InvalidRefreshTokenError extends InvalidGrantError {
  constructor() {
    super('Unknown or invalid refresh token.');
  }
}

export class UserBlockedError extends OAuthError {
  constructor() {
    super(401, 'unauthorized', 'user is blocked');
  }
}

/** A rule (`UnauthorizedError`) or an action (`api.access.deny`) refused the login; their reason. */
export class LoginDeniedError extends OAuthError {
  constructor(reason: string) {
    super(401, 'access_denied', reason);
  }
}

// ---- /oauth/token: audience and scopes --------------------------------------------------------

export class AccessDeniedError extends OAuthError {
  constructor(description: string) {
    super(403, 'access_denied', description);
  }
}

/** client_credentials without `audience` (Auth0's words for its legacy API v1). */
export class AudienceRequiredError extends AccessDeniedError {
  constructor() {
    super('Non-global clients are not allowed access to APIv1');
  }
}

export class UnknownAudienceError extends AccessDeniedError {
  constructor(audience: string) {
    super(`Service not found: ${audience}`);
  }
}

/** client_credentials for an API the client holds no client grant for. */
export class NoClientGrantError extends AccessDeniedError {
  constructor(audience: string) {
    super(
      `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
    );
  }
}

/** client_credentials asking for scopes its client grant does not hold. */
export class ClientScopesNotGrantedError extends AccessDeniedError {
  constructor(missing: readonly string[]) {
    super(`Client has not been granted scopes: ${missing.join(' ')}`);
  }
}

/** A refresh asking for scopes the session was not granted. */
export class RefreshScopesNotGrantedError extends AccessDeniedError {
  constructor(extra: readonly string[]) {
    super(`Refresh token was not granted scopes: ${extra.join(' ')}`);
  }
}

// ---- /oauth/token: brute-force protection (shared/authentication/login/brute-force.ts) ---------

export class TooManyAttemptsError extends OAuthError {
  constructor(description: string, headers: Record<string, string> = {}) {
    super(429, 'too_many_attempts', description, headers);
  }
}

/** BLOCK_THRESHOLD consecutive failures from this IP for this identifier. */
export class IpBlockedError extends TooManyAttemptsError {
  constructor() {
    super(
      'Your account has been blocked after multiple consecutive login attempts. We’ve sent you an email with instructions on how to unblock it.',
    );
  }
}

/** The account-wide backoff: the next attempt is allowed after `waitMs`. */
export class AccountThrottledError extends TooManyAttemptsError {
  constructor(waitMs: number) {
    super('Too many failed login attempts for this account. Wait before trying again.', {
      'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
    });
  }
}

// ---- /userinfo ---------------------------------------------------------------------------------

/**
 * RFC 6750 §3.1: a missing, malformed, expired or forged token, or one whose user or session is
 * gone. `wwwAuthenticate` is sent as given (the token verifier builds
 * `Bearer realm="…", error="invalid_token", error_description="…"`); without one, no header.
 */
export class InvalidTokenError extends OAuthError {
  constructor(description: string, wwwAuthenticate?: string) {
    super(401, 'invalid_token', description, wwwAuthenticate === undefined ? {} : { 'www-authenticate': wwwAuthenticate });
  }
}

export class OpenidScopeRequiredError extends OAuthError {
  constructor() {
    super(403, 'insufficient_scope', 'The access token does not include the openid scope');
  }
}

// ---- /dbconnections/signup ----------------------------------------------------------------------

/**
 * A refused parameter, client or connection. Auth0's validation errors carry their message as
 * both `code` and `description` (auth0.js reports `code` and `description` equal for "invalid
 * user_metadata.x type (only strings are allowed)", auth0/auth0.js#843), so these answer that way.
 */
export class InvalidSignupParameterError extends SignupError {
  constructor(message: string) {
    super(400, 'BadRequestError', message, message);
  }
}

/** A body that is neither JSON nor a form. */
export class UnsupportedMediaTypeError extends SignupError {
  constructor() {
    super(415, 'UnsupportedMediaTypeError', 'Unsupported Media Type', 'Unsupported Media Type');
  }
}

/**
 * An email or username that is taken. Auth0's deliberately vague answer: it must not tell an
 * existing account from any other refusal (go-auth0 authentication_error_test.go).
 */
export class InvalidSignupError extends SignupError {
  constructor() {
    super(400, 'BadRequestError', 'invalid_signup', 'Invalid sign up');
  }
}

/** A password the connection's policy refuses: the rules it was checked against, and the policy in words. */
export class PasswordStrengthError extends SignupError {
  constructor(report: PolicyReport, policy: string) {
    super(400, 'PasswordStrengthError', 'invalid_password', report, { message: 'Password is too weak', policy });
  }
}

// ---- /dbconnections/signup: connection options (issue 10, connections) -------------------------

/** The connection's `disable_signup`: Auth0's words (auth0/auth0.js#356, #679). */
export class SignupDisabledError extends SignupError {
  constructor() {
    super(400, 'BadRequestError', 'operation_not_allowed', 'public signup is disabled');
  }
}

/** A password on the connection's `password_dictionary` (or the built-in list). */
export class PasswordDictionaryError extends SignupError {
  constructor() {
    super(400, 'PasswordDictionaryError', 'invalid_password', 'Password is too common', { message: 'Password is too common' });
  }
}

/** A password holding the user's email, username or name, under `password_no_personal_info`. */
export class PasswordNoUserInfoError extends SignupError {
  constructor() {
    super(400, 'PasswordNoUserInfoError', 'invalid_password', 'Password is based on user information', { message: 'Password is based on user information' });
  }
}

/** A username outside the connection's `validation.username` length range. */
export class InvalidUsernameLengthError extends SignupError {
  constructor() {
    super(400, 'BadRequestError', 'invalid_username', 'The username provided is in an invalid format');
  }
}

// ---- enabled clients (issue 10, applications) ---------------------------------------------------

/**
 * A login through a connection the application is not enabled on (its `enabled_clients`).
 * Auth0's Authentication API error table: 400 invalid_request "the connection was disabled"
 * ("The connection is not active or not enabled for your client_id").
 */
export class ConnectionDisabledError extends InvalidRequestError {
  constructor() {
    super('the connection was disabled');
  }
}

// ---- /oauth/token: authorization codes and CORS (issue 11, CODE) --------------------------------

/**
 * A code that is unknown, expired, used, issued to another client or for another redirect_uri:
 * Auth0's one answer (community.auth0.com "Authorisation code flow: Error 403"); it never says which.
 */
export class InvalidAuthorizationCodeError extends InvalidGrantError {
  constructor() {
    super('Invalid authorization code');
  }
}

/** A code_verifier that is malformed or does not hash to the code's challenge (Auth0's words). */
export class CodeVerifierMismatchError extends InvalidGrantError {
  constructor() {
    super('Failed to verify code verifier');
  }
}

/** A PKCE code, or a public client's, exchanged without code_verifier (Auth0's 400 and words). */
export class CodeVerifierRequiredError extends InvalidRequestError {
  constructor() {
    super("Parameter 'code_verifier' is required");
  }
}

/** A browser request from an origin the application does not allow (docs/authorization-code.md). */
export class OriginNotAllowedError extends AccessDeniedError {
  constructor(origin: string) {
    super(`Origin ${origin} is not allowed`);
  }
}

/** A signup through a connection the application is not enabled on (Auth0's words for signup and user creation). */
export class ConnectionNotEnabledForSignupError extends InvalidSignupParameterError {
  constructor(clientId: string, connection: string) {
    super(`Connection must be enabled for this client to perform single user creation and signup operations (client_id: ${clientId} - connection: ${connection})`);
  }
}

// ---- /dbconnections/signup and the hosted signup: pre-user-registration actions (issue 11, REG) --

/**
 * What the hosted signup page shows when an action refused without a message for users, or failed
 * (Auth0's Universal Login words for a failed signup).
 */
export const SIGNUP_FAILED_MESSAGE = "We're sorry, something went wrong when attempting to sign up.";

/**
 * An action called `api.validation.error(code, message)`. Auth0's body is not confirmed; ours is
 * the signup's usual refusal with the action's code and message, which auth0.js and Lock read
 * (`code`, `description`). `userMessage` is what the hosted page shows.
 */
export class ActionValidationError extends SignupError {
  readonly userMessage: string;
  constructor(code: string, message: string) {
    super(400, 'BadRequestError', code || 'extensibility_error', message);
    this.userMessage = message || SIGNUP_FAILED_MESSAGE;
  }
}

/**
 * An action called `api.access.deny(reason, userMessage)`: Auth0's body as captured from
 * /dbconnections/signup (community.auth0.com/t/94025): the reason as `message` and `description`,
 * the user's message as `friendly_message`, `fromSandbox: true`.
 */
export class ActionDeniedSignupError extends SignupError {
  readonly userMessage: string;
  constructor(reason: string, userMessage: string | undefined) {
    super(400, 'InternalExtensibilityError', 'extensibility_error', reason, {
      message: reason,
      ...(userMessage !== undefined ? { friendly_message: userMessage } : {}),
      fromSandbox: true,
    });
    this.userMessage = userMessage || SIGNUP_FAILED_MESSAGE;
  }
}

/**
 * An action failed (threw, timed out, ran out of memory, never settled) or the runner did, or an
 * action set metadata that cannot be stored. The details (which can carry secrets) go to the log
 * only; nothing is written.
 */
export class ActionFailedSignupError extends SignupError {
  readonly userMessage = SIGNUP_FAILED_MESSAGE;
  constructor(description = 'A pre-user-registration action failed; the tenant log has the details.') {
    super(400, 'InternalExtensibilityError', 'extensibility_error', description, { fromSandbox: true });
  }
}

// ---- GET /client/{client_id}.js: Lock's client settings (issue 12, A) --------------------------

/**
 * No such application, or a file name that cannot name one: a 404, so the `<script>` Lock inserts
 * fires `error` and Lock shows its own error at once (a script that ran but named another client
 * would leave it waiting 20 s for its timeout).
 */
export class ClientSettingsNotFoundError extends ManagementError {
  constructor() {
    super(404, 'not_found', 'Not Found');
  }
}

// ---- POST /co/authenticate and login tickets: cross-origin authentication (issue 12, B) --------
//
// POST /co/authenticate answers as /oauth/token does (InvalidRequestError and MissingParameterError
// for the body, UnknownConnectionError, ConnectionDisabledError, UserBlockedError 401, IpBlockedError
// and AccountThrottledError 429, OriginNotAllowedError 403), except for these.

/** The application has `cross_origin_authentication: false` (Auth0's words, auth0/lock#1121). */
export class CrossOriginNotAllowedError extends OAuthError {
  constructor() {
    super(403, 'unauthorized_client', 'Cross origin login not allowed.');
  }
}

/** No Origin header: not a browser's cross-origin request (Auth0's words in its `fcoa` log, auth0/lock#1305). */
export class OriginRequiredError extends InvalidRequestError {
  constructor() {
    super('Origin header required.');
  }
}

/** An unknown client_id (ours: Lock shows its generic message for it). */
export class UnknownCoClientError extends OAuthError {
  constructor() {
    super(403, 'unauthorized_client', 'Unknown client.');
  }
}

/**
 * Wrong email (or username) or password. Auth0 answers /co/authenticate with `access_denied`, which
 * Lock maps to its own "Wrong email or password." (core/web_api/helper.js normalizeError).
 */
export class CrossOriginWrongCredentialsError extends AccessDeniedError {
  constructor() {
    super('Wrong email or password.');
  }
}

/** /dbconnections/signup from a browser origin the application does not allow: 403, nothing written (signup's shape). */
export class SignupOriginNotAllowedError extends SignupError {
  constructor(origin: string) {
    super(403, 'AccessDeniedError', 'access_denied', `Origin ${origin} is not allowed`);
  }
}

// ---- /dbconnections/signup and the hosted signup: custom databases (issue 13, C) -----------------

/**
 * A custom database's script failed during a signup (get_user in import mode; create, or the
 * login that follows it, otherwise): the description names the script and the reference under
 * which the log holds the details. Nothing was stored here.
 */
export class CustomDbSignupError extends SignupError {
  readonly userMessage: string;
  constructor(message: string, reference: string) {
    super(400, 'BadRequestError', 'custom_db_error', message);
    this.userMessage = `${SIGNUP_FAILED_MESSAGE.replace(/\.$/, '')} (reference ${reference}).`;
  }
}

/** The create script called back with `ValidationError(code, message)`: its code and words. */
export class CustomDbValidationSignupError extends SignupError {
  readonly userMessage: string;
  constructor(code: string, message: string) {
    super(400, 'BadRequestError', code || 'custom_db_error', message);
    this.userMessage = message || SIGNUP_FAILED_MESSAGE;
  }
}

// ---- custom database connections: the login (issue 13, B) --------------------------------------

/**
 * A custom database's login script failed (threw, timed out, called back with an ordinary error
 * or a bad profile, the legacy store was down), or its profile could not be stored here. The
 * reference is in the log beside the details, which never reach the client. /oauth/token and
 * /co/authenticate answer 403 invalid_grant; the hosted login page shows the sentence.
 */
export class CustomDbLoginFailedError extends InvalidGrantError {
  constructor(readonly reference: string) {
    super(`The login could not be completed: the connection's login script failed (reference ${reference}).`);
  }
}
