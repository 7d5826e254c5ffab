import { describe, expect, it } from 'vitest';
import * as catalogue from '#shared/authentication/errors';
import { OAuthError, SignupError } from '#shared/platform/errors';
import { serializeError } from '#shared/http/serialize';
import type { PolicyReport } from '#shared/tenant/passwords/policy';

/**
 * Each class of the Authentication API's catalogue answers exactly what the inline
 * `new OAuthError(...)` / `new SignupError(...)` it replaced answered: same status, body and headers.
 */
const MGMT = 'http://localhost:3000/api/v2/';
const WWW = 'Bearer realm="http://localhost:3000/userinfo", error="invalid_token", error_description="Invalid token"';
const report = { verified: false, rules: [] } as unknown as PolicyReport;

const oauth: [string, Error, OAuthError][] = [
  ['InvalidRequestError', new catalogue.InvalidRequestError('The request body is not valid JSON'), new OAuthError(400, 'invalid_request', 'The request body is not valid JSON')],
  ['MissingParameterError', new catalogue.MissingParameterError('client_id'), new OAuthError(400, 'invalid_request', 'Missing required parameter: client_id')],
  ['UnknownConnectionError', new catalogue.UnknownConnectionError('db'), new OAuthError(400, 'invalid_request', 'The connection db does not exist')],
  ['UnsupportedGrantTypeError', new catalogue.UnsupportedGrantTypeError('foo'), new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant type: foo')],
  ['InvalidClientError', new catalogue.InvalidClientError(), new OAuthError(401, 'access_denied', 'Unauthorized')],
  ['UnauthorizedClientError', new catalogue.UnauthorizedClientError('password'), new OAuthError(403, 'unauthorized_client', "Grant type 'password' not allowed for the client.")],
  ['WrongCredentialsError', new catalogue.WrongCredentialsError(), new OAuthError(403, 'invalid_grant', 'Wrong email or password.')],
  ['InvalidRefreshTokenError', new catalogue.InvalidRefreshTokenError(), new OAuthError(403, 'invalid_grant', 'Unknown or invalid refresh token.')],
  ['UserBlockedError', new catalogue.UserBlockedError(), new OAuthError(401, 'unauthorized', 'user is blocked')],
  ['LoginDeniedError', new catalogue.LoginDeniedError('no'), new OAuthError(401, 'access_denied', 'no')],
  ['AudienceRequiredError', new catalogue.AudienceRequiredError(), new OAuthError(403, 'access_denied', 'Non-global clients are not allowed access to APIv1')],
  ['UnknownAudienceError', new catalogue.UnknownAudienceError('https://x/'), new OAuthError(403, 'access_denied', 'Service not found: https://x/')],
  [
    'NoClientGrantError',
    new catalogue.NoClientGrantError(MGMT),
    new OAuthError(
      403,
      'access_denied',
      `Client is not authorized to access "${MGMT}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
    ),
  ],
  ['ClientScopesNotGrantedError', new catalogue.ClientScopesNotGrantedError(['a', 'b']), new OAuthError(403, 'access_denied', 'Client has not been granted scopes: a b')],
  ['RefreshScopesNotGrantedError', new catalogue.RefreshScopesNotGrantedError(['a']), new OAuthError(403, 'access_denied', 'Refresh token was not granted scopes: a')],
  [
    'IpBlockedError',
    new catalogue.IpBlockedError(),
    new OAuthError(
      429,
      'too_many_attempts',
      'Your account has been blocked after multiple consecutive login attempts. We’ve sent you an email with instructions on how to unblock it.',
    ),
  ],
  [
    'AccountThrottledError',
    new catalogue.AccountThrottledError(1_500),
    new OAuthError(429, 'too_many_attempts', 'Too many failed login attempts for this account. Wait before trying again.', { 'retry-after': '2' }),
  ],
  ['InvalidTokenError (with a header)', new catalogue.InvalidTokenError('Invalid token', WWW), new OAuthError(401, 'invalid_token', 'Invalid token', { 'www-authenticate': WWW })],
  ['InvalidTokenError (without)', new catalogue.InvalidTokenError('user is blocked'), new OAuthError(401, 'invalid_token', 'user is blocked')],
  ['OpenidScopeRequiredError', new catalogue.OpenidScopeRequiredError(), new OAuthError(403, 'insufficient_scope', 'The access token does not include the openid scope')],
];

const signup: [string, Error, SignupError][] = [
  ['InvalidSignupParameterError', new catalogue.InvalidSignupParameterError('email is required'), new SignupError(400, 'BadRequestError', 'email is required', 'email is required')],
  ['UnsupportedMediaTypeError', new catalogue.UnsupportedMediaTypeError(), new SignupError(415, 'UnsupportedMediaTypeError', 'Unsupported Media Type', 'Unsupported Media Type')],
  ['InvalidSignupError', new catalogue.InvalidSignupError(), new SignupError(400, 'BadRequestError', 'invalid_signup', 'Invalid sign up')],
  [
    'PasswordStrengthError',
    new catalogue.PasswordStrengthError(report, 'At least 8 characters'),
    new SignupError(400, 'PasswordStrengthError', 'invalid_password', report, { message: 'Password is too weak', policy: 'At least 8 characters' }),
  ],
];

describe('the Authentication API error catalogue', () => {
  it.each(oauth)('%s answers as the inline OAuthError did', (_name, error, before) => {
    expect(error).toBeInstanceOf(OAuthError);
    expect(serializeError('oauth', error, 'r')).toEqual(serializeError('oauth', before, 'r'));
  });

  it.each(signup)('%s answers as the inline SignupError did', (_name, error, before) => {
    expect(error).toBeInstanceOf(SignupError);
    expect(serializeError('signup', error, 'r')).toEqual(serializeError('signup', before, 'r'));
  });
});
