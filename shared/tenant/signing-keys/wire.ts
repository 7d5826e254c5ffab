import type { PublicSigningKeyRecord } from '#shared/db/signing-keys-repo';
import { stateOf } from '#shared/tenant/signing-keys/model';
import { certificateThumbprints } from '#shared/tenant/signing-keys/pem';

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
 * `pkcs7` is the record's (stored with the certificate): this module never loads the X.509
 * library, so the list and get functions' bundles stay small. A record from before `pkcs7` was
 * stored is given it by the caller (read.ts, lifecycle.ts) until the seed stores it.
 */
export function toWireSigningKey(key: PublicSigningKeyRecord): WireSigningKey {
  const state = stateOf(key);
  const prints = key.cert ? certificateThumbprints(key.cert) : undefined;
  return {
    kid: key.kid,
    ...(key.cert ? { cert: key.cert } : {}),
    ...(key.cert && key.pkcs7 ? { pkcs7: key.pkcs7 } : {}),
    current: state === 'current',
    next: state === 'next',
    previous: state === 'previous',
    ...(key.current_since ? { current_since: key.current_since } : {}),
    ...(key.current_until ? { current_until: key.current_until } : {}),
    ...(prints ? { fingerprint: prints.fingerprint, thumbprint: prints.thumbprint } : {}),
    revoked: state === 'revoked',
    ...(key.revoked_at ? { revoked_at: key.revoked_at } : {}),
  };
}
