import { MetadataLimitError } from '#shared/management/errors';
import { metadataLimits } from '#shared/management/metadata/limits';
import { isPlainObject } from '#shared/platform/json';
import { validateMetadata } from '#shared/management/metadata/rules';
import { InvalidSignupParameterError } from '#shared/authentication/errors';

/**
 * Auth0's limits on user_metadata sent to signup (anyone may call it): at most 10 properties,
 * names of at most 100 characters, string values of at most 500. The tenant's own metadata rules
 * (key names, METADATA_* limits) apply as well.
 */
export const SIGNUP_METADATA = { maxProperties: 10, maxNameLength: 100, maxValueLength: 500 } as const;

export function signupUserMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new InvalidSignupParameterError('invalid user_metadata type (expected object)');
  const entries = Object.entries(value);
  if (entries.length > SIGNUP_METADATA.maxProperties) {
    throw new InvalidSignupParameterError(`invalid user_metadata size (only ${SIGNUP_METADATA.maxProperties} properties are allowed)`);
  }
  for (const [key, item] of entries) {
    // The name is not echoed: it may be long.
    if (key.length > SIGNUP_METADATA.maxNameLength) {
      throw new InvalidSignupParameterError(`invalid user_metadata property name (only ${SIGNUP_METADATA.maxNameLength} characters are allowed)`);
    }
    if (typeof item !== 'string') throw new InvalidSignupParameterError(`invalid user_metadata.${key} type (only strings are allowed)`);
    if (item.length > SIGNUP_METADATA.maxValueLength) {
      throw new InvalidSignupParameterError(`invalid user_metadata.${key} length (only ${SIGNUP_METADATA.maxValueLength} characters are allowed)`);
    }
  }
  try {
    validateMetadata('user_metadata', value, metadataLimits);
  } catch (error) {
    if (error instanceof MetadataLimitError) throw new InvalidSignupParameterError(error.message);
    throw error;
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
