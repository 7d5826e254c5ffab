import type { SignupParams } from '#shared/authentication/dbconnections/body';
import type { RegistrationRequest } from '#shared/authentication/dbconnections/pre-user-registration';
import type { JsonValue } from '#shared/platform/json';

/**
 * The request facts /dbconnections/signup hands its pre-user-registration actions: Auth0's
 * event.request.body is the posted body without the password; `language` is the first tag of
 * Accept-Language (what the browser asked for).
 */
export function signupRequest(params: SignupParams, facts: { ip: string; userAgent?: string; acceptLanguage?: string }): RegistrationRequest {
  const body = Object.fromEntries(Object.entries(params).filter(([name]) => name !== 'password')) as Record<string, JsonValue>;
  const language = firstLanguage(facts.acceptLanguage);
  return {
    ip: facts.ip,
    ...(facts.userAgent !== undefined ? { userAgent: facts.userAgent } : {}),
    ...(language !== undefined ? { language } : {}),
    body,
  };
}

/** `fr-CH, fr;q=0.9, en;q=0.8` -> `fr-CH`; nothing usable -> undefined. */
export function firstLanguage(header: string | undefined): string | undefined {
  const tag = header?.split(',')[0]?.split(';')[0]?.trim();
  return tag && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : undefined;
}
