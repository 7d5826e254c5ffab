import { createPrivateKey, generateKeyPair, sign as rsaSign, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { SignBytes } from '#shared/tenant/signing-keys/certificate';

/**
 * Where new signing keys come from, behind one interface: a table key (its private half kept in
 * the table; local only) or a KMS key (kms-keys.ts). A maker returns the key's public JWK, what
 * the record stores to name the private half, and a `sign` for the key's own certificate.
 */
export interface NewKey {
  kid: string;
  publicJwk: JWK;
  /** The table key's private half. */
  privateJwk?: JWK;
  /** The KMS key's ARN. */
  kms_key_id?: string;
  /** A KMS key made by rotation: the stack whose tag it carries. */
  kms_key_stack?: string;
  sign: SignBytes;
}

export interface KeyMaker {
  readonly kind: 'table' | 'kms';
  create(): Promise<NewKey>;
  /** After revocation: the private half can go (a KMS key is scheduled for deletion). */
  retire(record: { kms_key_id?: string; kms_key_stack?: string }): Promise<void>;
}

export const SIGNING_ALG = 'RS256';

/**
 * This function may not make signing keys where it runs: in AWS only the rotate function makes
 * them, in KMS (SIGNING_KEY_KMS_TAG, set by CDK); a table key, whose private half any function's
 * table grant could read, is never made there. A deployment fault: a 500, the message in the log.
 */
export class SigningKeyMakerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The kid of every key, table or KMS: the RFC 7638 thumbprint of its public JWK. */
export async function publicJwkWithKid(jwk: JWK): Promise<{ kid: string; publicJwk: JWK }> {
  const { kty, n, e } = jwk;
  const kid = await calculateJwkThumbprint({ kty, n, e });
  return { kid, publicJwk: { kty, n, e, kid, alg: SIGNING_ALG, use: 'sig' } };
}

/** PKCS #1 v1.5 over SHA-256 with a private JWK (what RS256 and the certificate both use). */
export function privateJwkSigner(privateJwk: JWK): SignBytes {
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  return async (input) => new Uint8Array(rsaSign('sha256', input, key));
}

const generateRsa = promisify(generateKeyPair);

export const tableKeyMaker: KeyMaker = {
  kind: 'table',
  async create() {
    const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const { kid, publicJwk } = await publicJwkWithKid(await exportJWK(publicKey));
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
    return { kid, publicJwk, privateJwk, sign: privateJwkSigner(privateJwk) };
  },
  // A table key loses its private half when it stops being current; nothing else to do.
  retire: async () => {},
};
