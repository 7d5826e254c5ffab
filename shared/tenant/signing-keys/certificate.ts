import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata API
import { createPublicKey, randomBytes, webcrypto, type JsonWebKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';
import { certificateDer, pem } from '#shared/tenant/signing-keys/pem';

/**
 * The X.509 certificate of a signing key, as Auth0 publishes one for each key: self-signed by the
 * key itself, subject and issuer `CN=<tenant domain>`. The DER comes from @peculiar/x509 (never
 * written by hand here); the signature comes from `sign`, the key's own signer, so a KMS key signs
 * its certificate through kms:Sign exactly as it signs tokens: the library is handed a crypto
 * provider whose `subtle.sign` is that signer (RS256 and the certificate's sha256WithRSAEncryption
 * are the same PKCS #1 v1.5 signature over SHA-256).
 */
export type SignBytes = (input: Uint8Array) => Promise<Uint8Array>;

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } };
/** Auth0's certificates are long-lived; a key is retired by revocation, not by expiry. */
const VALIDITY_YEARS = 10;

/** The WebCrypto type the library takes (this project has no DOM types). */
type WebCrypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;

/** A WebCrypto stand-in that signs with `sign` and does nothing else the generator needs. */
function signerCrypto(sign: SignBytes): WebCrypto {
  const subtle = {
    sign: async (_algorithm: unknown, _key: unknown, data: ArrayBuffer | ArrayBufferView) => {
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      return (await sign(bytes)).slice().buffer;
    },
  };
  return { subtle, getRandomValues: (array: Uint8Array) => webcrypto.getRandomValues(array) } as unknown as WebCrypto;
}

const spkiOf = (publicJwk: JWK) =>
  new Uint8Array(createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'der' }));

/**
 * The PEM certificate of `publicJwk`, signed by `sign`: the same key's private half, or, for an
 * older key whose private half is gone (`issuerJwk` given), the tenant's current key.
 */
export async function issueCertificate(
  publicJwk: JWK,
  sign: SignBytes,
  commonName: string,
  options: { now?: Date; issuerJwk?: JWK } = {},
): Promise<string> {
  const now = options.now ?? new Date();
  const name = `CN=${commonName}`;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(now.getUTCFullYear() + VALIDITY_YEARS);
  const spki = spkiOf(publicJwk);
  const publicKey = new x509.PublicKey(spki);
  const cert = await x509.X509CertificateGenerator.create(
    {
      // Positive 16-byte serial (RFC 5280 allows up to 20 bytes).
      serialNumber: `01${randomBytes(15).toString('hex')}`,
      subject: name,
      issuer: name,
      notBefore: now,
      notAfter,
      publicKey: spki,
      // Only our subtle.sign ever sees this key: it carries the algorithm the library encodes.
      signingKey: { algorithm: RS256 } as unknown as webcrypto.CryptoKey,
      signingAlgorithm: RS256,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, webcrypto as unknown as WebCrypto),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      ],
    },
    signerCrypto(sign),
  );
  // A certificate whose signature does not verify must never be stored.
  const issuerKey = options.issuerJwk ? new x509.PublicKey(spkiOf(options.issuerJwk)) : publicKey;
  if (!(await cert.verify({ publicKey: issuerKey, signatureOnly: true }, webcrypto as unknown as WebCrypto))) {
    throw new Error('The signing key did not sign the certificate correctly');
  }
  return pem(new Uint8Array(cert.rawData), 'CERTIFICATE');
}

/**
 * Auth0's `pkcs7` member: the certificate as a certs-only PKCS #7, PEM. Made once, when the
 * certificate is stored (and by the seed for keys certified before), so that reads (wire.ts)
 * never load the X.509 library.
 */
export function pkcs7Of(cert: string): string {
  const pkcs7 = new x509.X509Certificates([new x509.X509Certificate(certificateDer(cert))]).export('raw');
  return pem(new Uint8Array(pkcs7), 'PKCS7');
}
