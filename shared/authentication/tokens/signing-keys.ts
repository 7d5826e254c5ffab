import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import {
  listPublicSigningKeys,
  putSigningKey,
  type SigningKeyRecord,
} from '#shared/db/signing-keys-repo';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';

/**
 * RS256 signing keys (Auth0's default algorithm), kept in the table. A warm Lambda keeps the
 * public keys for MAX_AGE_MS (a revoked key stops verifying within that time) and reloads early
 * on an unknown `kid`, at most once per UNKNOWN_KID_MS, so a forged `kid` cannot turn every
 * request into a table read. Concurrent requests share one reload. Signing is current-signer.ts
 * (a table key locally, a KMS key in AWS); this module only ever reads public halves, plus
 * createSigningKey for the local seed.
 */
const MAX_AGE_MS = 5 * 60_000;
const UNKNOWN_KID_MS = 10_000;

/** A new table key with its private half: the local seed's (KMS keys are registered, see kms-signing-key.ts). */
export async function createSigningKey(current: boolean): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const record: SigningKeyRecord = {
    kid,
    alg: SIGNING_ALG,
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG },
    current,
    created_at: new Date().toISOString(),
  };
  await putSigningKey(record);
  return record;
}

interface PublicKeys {
  loadedAt: number;
  verifiers: Map<string, CryptoKey>;
  jwks: JWK[];
}

let publicKeys: PublicKeys | undefined;
let reloading: Promise<PublicKeys> | undefined;

function reloadPublicKeys(): Promise<PublicKeys> {
  reloading ??= (async () => {
    const records = await listPublicSigningKeys();
    const verifiers = new Map<string, CryptoKey>();
    for (const r of records) verifiers.set(r.kid, (await importJWK(r.publicJwk, SIGNING_ALG)) as CryptoKey);
    publicKeys = { loadedAt: Date.now(), verifiers, jwks: records.map((r) => r.publicJwk) };
    return publicKeys;
  })().finally(() => (reloading = undefined));
  return reloading;
}

const age = (keys: PublicKeys | undefined) => (keys ? Date.now() - keys.loadedAt : Infinity);

async function currentPublicKeys(): Promise<PublicKeys> {
  return publicKeys && age(publicKeys) < MAX_AGE_MS ? publicKeys : reloadPublicKeys();
}

/** The public key for `kid`, or undefined when no such key exists. */
export async function verificationKey(kid: string): Promise<CryptoKey | undefined> {
  let keys = await currentPublicKeys();
  if (!keys.verifiers.has(kid) && age(keys) > UNKNOWN_KID_MS) keys = await reloadPublicKeys();
  return keys.verifiers.get(kid);
}

export async function publicJwkSet(): Promise<{ keys: JWK[] }> {
  return { keys: (await currentPublicKeys()).jwks };
}
