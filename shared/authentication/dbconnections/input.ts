// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import type { SignupParams } from '#shared/authentication/dbconnections/body';
import { InvalidSignupParameterError } from '#shared/authentication/errors';

/**
 * The parameters of POST /dbconnections/signup (Auth0's list), checked in the order Auth0's
 * documentation lists them; the first problem is the answer. Other parameters are ignored, as
 * SDKs send extras. user_metadata is checked on its own (signup-metadata.ts).
 */
const required = (field: string) => `${field} is required`;

/** A string parameter; a lone surrogate cannot be stored as UTF-8 (and would hash like U+FFFD). */
const stringParam = (field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? required(field) : `invalid ${field} type (expected string)`) })
    .refine((s) => s.isWellFormed(), `invalid ${field} (not well-formed Unicode)`);

const requiredText = (field: string) => stringParam(field).refine((s) => s.length > 0, required(field));

const optionalText = (field: string, max?: number) =>
  stringParam(field)
    .refine((s) => s.length > 0, `invalid ${field} length (at least 1 character is required)`)
    .refine((s) => max === undefined || s.length <= max, `invalid ${field} length (only ${max} characters are allowed)`)
    .optional();

const matching = (field: string, pattern: RegExp, message: string) =>
  stringParam(field).refine((s) => pattern.test(s), message).optional();

const SignupBody = z.object({
  client_id: requiredText('client_id'),
  email: requiredText('email')
    .refine((s) => s.length <= 254, 'invalid email length (only 254 characters are allowed)')
    .pipe(z.email({ error: 'invalid email format' })),
  // Empty is not missing: it fails the connection's policy like any other short password.
  password: stringParam('password'),
  connection: requiredText('connection'),
  username: matching('username', /^[A-Za-z0-9_+\-.!#$'^`~@]{1,128}$/, 'invalid username format'),
  given_name: optionalText('given_name', 150),
  family_name: optionalText('family_name', 150),
  name: optionalText('name', 150),
  nickname: optionalText('nickname', 350),
  picture: stringParam('picture').pipe(z.url({ error: 'invalid picture format (expected a URL)' })).optional(),
  phone_number: matching('phone_number', /^\+[0-9]{1,15}$/, 'invalid phone_number format (expected E.164, such as +14155550100)'),
  user_metadata: z.unknown().optional(),
});

export type SignupInput = z.output<typeof SignupBody>;

export function readSignupInput(params: SignupParams): SignupInput {
  const result = SignupBody.safeParse(params);
  if (result.success) return result.data;
  throw new InvalidSignupParameterError(result.error.issues[0]?.message ?? 'invalid sign up parameters');
}
