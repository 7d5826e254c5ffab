import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import {
  findCurrentSigningKey,
  listPublicSigningKeys,
  putSigningKey,
  type SigningKeyRecord,
} from '#shared/db/signing-keys-repo';
import { SIGNING_ALG } from '#shared/tokens/algorithm';

/**
 * RS256 signing keys (Auth0's default algorithm), kept in the table. A warm Lambda keeps the
 * public keys for MAX_AGE_MS (a revoked key stops verifying within that time) and reloads early
 * on an unknown `kid`, at most once per UNKNOWN_KID_MS, so a forged `kid` cannot turn every
 * request into a table read. Concurrent requests share one reload. The private key is kept for
 * MAX_AGE_MS too, so a rotation reaches running functions without a redeploy.
 */
const MAX_AGE_MS = 5 * 60_000;
const UNKNOWN_KID_MS = 10_000;

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

let signer: { at: number; key: Promise<{ kid: string; key: CryptoKey }> } | undefined;

/** The current private key, reloaded every MAX_AGE_MS. */
export function currentSigner(): Promise<{ kid: string; key: CryptoKey }> {
  if (!signer || Date.now() - signer.at > MAX_AGE_MS) {
    const key = (async () => {
      const record = await findCurrentSigningKey();
      if (!record) throw new Error('No current signing key: run the seed (npm start does it on first start)');
      return { kid: record.kid, key: (await importJWK(record.privateJwk, SIGNING_ALG)) as CryptoKey };
    })();
    signer = { at: Date.now(), key };
    key.catch(() => (signer = undefined));
  }
  return signer.key;
}
