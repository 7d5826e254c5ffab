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
 * RS256 signing keys (Auth0's default algorithm). Keys live in the table; each cold start caches
 * them, and a token with an unknown `kid` triggers at most one reload per REFRESH_MS, so a forged
 * `kid` cannot turn every request into a table read.
 */
const REFRESH_MS = 10_000;

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

let verifiers = new Map<string, CryptoKey>();
let publicJwks: JWK[] = [];
let loadedAt = 0;

async function reloadPublicKeys(): Promise<void> {
  const records = await listPublicSigningKeys();
  const next = new Map<string, CryptoKey>();
  for (const r of records) next.set(r.kid, (await importJWK(r.publicJwk, SIGNING_ALG)) as CryptoKey);
  verifiers = next;
  publicJwks = records.map((r) => r.publicJwk);
  loadedAt = Date.now();
}

/** The public key for `kid`, or undefined when no such key exists. */
export async function verificationKey(kid: string): Promise<CryptoKey | undefined> {
  if (!verifiers.has(kid) && Date.now() - loadedAt > REFRESH_MS) await reloadPublicKeys();
  return verifiers.get(kid);
}

export async function publicJwkSet(): Promise<{ keys: JWK[] }> {
  if (loadedAt === 0 || Date.now() - loadedAt > 5 * 60_000) await reloadPublicKeys();
  return { keys: publicJwks };
}

let signer: Promise<{ kid: string; key: CryptoKey }> | undefined;

/** The current private key, loaded once per cold start. */
export function currentSigner(): Promise<{ kid: string; key: CryptoKey }> {
  signer ??= (async () => {
    const record = await findCurrentSigningKey();
    if (!record) throw new Error('No current signing key: run the seed (npm start does it on first start)');
    return { kid: record.kid, key: (await importJWK(record.privateJwk, SIGNING_ALG)) as CryptoKey };
  })();
  signer.catch(() => (signer = undefined));
  return signer;
}
