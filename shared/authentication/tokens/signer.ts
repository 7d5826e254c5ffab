import type { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';

/**
 * What signs tokens: the table key locally, a KMS key in AWS. The JWS is built by us (sign.ts),
 * so both produce the same token for the same key; a signer only turns the signing input
 * (`base64url(header).base64url(payload)`) into an RS256 signature.
 */
export interface Signer {
  readonly kid: string;
  readonly alg: typeof SIGNING_ALG;
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/**
 * This function may not sign, or the current key cannot be used where it runs. A deployment
 * fault, not a bad request: it becomes a 500 whose message stays in the logs.
 */
export class SigningKeyUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
