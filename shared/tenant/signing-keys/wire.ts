import type { PublicSigningKeyRecord } from '#shared/db/signing-keys-repo';
import { certificateFields } from '#shared/tenant/signing-keys/certificate';
import { stateOf } from '#shared/tenant/signing-keys/model';

/** A signing key as Auth0's Management API shows it (GetSigningKeys200ResponseInner). */
export interface WireSigningKey {
  kid: string;
  cert?: string;
  pkcs7?: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  current_since?: string;
  current_until?: string;
  fingerprint?: string;
  thumbprint?: string;
  revoked: boolean;
  revoked_at?: string;
}

/**
 * Auth0's member order. The certificate members are missing only for a KMS key registered in AWS
 * whose certificate could not be made (docs/signing-keys.md); every key made here has them.
 */
export function toWireSigningKey(key: PublicSigningKeyRecord): WireSigningKey {
  const state = stateOf(key);
  const cert = key.cert ? certificateFields(key.cert) : undefined;
  return {
    kid: key.kid,
    ...(cert ? { cert: cert.cert, pkcs7: cert.pkcs7 } : {}),
    current: state === 'current',
    next: state === 'next',
    previous: state === 'previous',
    ...(key.current_since ? { current_since: key.current_since } : {}),
    ...(key.current_until ? { current_until: key.current_until } : {}),
    ...(cert ? { fingerprint: cert.fingerprint, thumbprint: cert.thumbprint } : {}),
    revoked: state === 'revoked',
    ...(key.revoked_at ? { revoked_at: key.revoked_at } : {}),
  };
}
