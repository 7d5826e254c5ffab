import { SignupError } from '#shared/platform/errors';
import type { PolicyReport } from '#shared/tenant/passwords/policy';

/**
 * The signup endpoint's refusals, in Auth0's `{name, code, description, statusCode}` shape.
 *
 * Auth0's validation errors carry their message as both `code` and `description` (auth0.js
 * reports `code` and `description` equal for "invalid user_metadata.x type (only strings are
 * allowed)", auth0/auth0.js#843), so refused parameters answer that way here too.
 */
export const signupRefused = (message: string, status = 400) =>
  new SignupError(status, status === 415 ? 'UnsupportedMediaTypeError' : 'BadRequestError', message, message);

/**
 * An email or username that is taken. Auth0's deliberately vague answer: it must not tell an
 * existing account from any other refusal (go-auth0 authentication_error_test.go).
 */
export const invalidSignup = () => new SignupError(400, 'BadRequestError', 'invalid_signup', 'Invalid sign up');

/** A password the connection's policy refuses: the rules it was checked against, and the policy in words. */
export const passwordTooWeak = (report: PolicyReport, policy: string) =>
  new SignupError(400, 'PasswordStrengthError', 'invalid_password', report, { message: 'Password is too weak', policy });
