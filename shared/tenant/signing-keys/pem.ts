import { createHash } from 'node:crypto';

/**
 * Reading and writing the PEM text of a key's certificate with node:crypto alone: what JWKS and
 * the verifiers need, without the X.509 library (certificate.ts) in every function's bundle.
 */

/** PEM with Auth0's CRLF line ends and 64-character lines. */
export function pem(der: Uint8Array, label: string): string {
  const body = Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\r\n');
  return `-----BEGIN ${label}-----\r\n${body}\r\n-----END ${label}-----`;
}

/** The DER inside a PEM certificate. */
export const certificateDer = (cert: string): Buffer =>
  Buffer.from(cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');

export const sha1 = (der: Uint8Array) => createHash('sha1').update(der).digest();

/** JWKS members: `x5c` (base64 DER, not base64url: RFC 7517 4.7) and `x5t` (base64url SHA-1 of the DER). */
export function jwkCertificateMembers(cert: string): { x5c: string[]; x5t: string } {
  const der = certificateDer(cert);
  return { x5c: [der.toString('base64')], x5t: sha1(der).toString('base64url') };
}


/** Auth0's `thumbprint` (SHA-1 of the DER, upper-case hex) and `fingerprint` (the same with colons). */
export function certificateThumbprints(cert: string): { fingerprint: string; thumbprint: string } {
  const thumbprint = sha1(certificateDer(cert)).toString('hex').toUpperCase();
  return { fingerprint: thumbprint.match(/../g)!.join(':'), thumbprint };
}
