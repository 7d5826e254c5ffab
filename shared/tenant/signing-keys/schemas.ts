import * as z from 'zod';

/**
 * A kid in the path. Ours are RFC 7638 thumbprints (43 base64url characters) and Auth0's are
 * shorter, so anything else cannot name a key: a 400 before any read, rather than a lookup.
 */
export const SigningKeyParams = z.object({
  kid: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a key id (letters, digits, "-" and "_")')
    .describe('Key id of the key'),
});

/** Rotation takes no body; the SDKs send none, `{}` or `null`. */
export const RotateSigningKeyBody = z.strictObject({});
