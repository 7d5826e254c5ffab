import { importJWK, type CryptoKey, type JWK } from 'jose';
import { listPublicSigningKeys } from '#shared/db/signing-keys-repo';
import { TENANT_CACHE_TTL_MS, tenantCache } from '#shared/platform/cache';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import { jwkCertificateMembers } from '#shared/tenant/signing-keys/pem';
import { publishedKeys } from '#shared/tenant/signing-keys/model';

/**
 * The public signing keys that verify tokens and that JWKS publishes: the current, the next and
 * every previous key not revoked (a revoked key is neither published nor accepted).
 *
 * The bound (docs/signing-keys.md): a warm function keeps the keys for TENANT_CACHE_TTL_MS,
 * counted from the moment the load began, so a key revoked in another function stops verifying
 * here at most TENANT_CACHE_TTL_MS after the revocation was written; a revocation in this process
 * clears the cache at once (tenantChanged()). An unknown `kid` reloads early, at most once per
 * UNKNOWN_KID_MS, so a forged `kid` cannot turn every request into a table read. Concurrent
 * requests share one reload. Signing is current-signer.ts; this module reads public halves only.
 */
const MAX_AGE_MS = TENANT_CACHE_TTL_MS;
const UNKNOWN_KID_MS = 10_000;

interface PublicKeys {
  loadedAt: number;
  verifiers: Map<string, CryptoKey>;
  jwks: JWK[];
}

let publicKeys: PublicKeys | undefined;
let reloading: Promise<PublicKeys> | undefined;
let epoch = 0;

tenantCache({
  clear() {
    epoch += 1;
    publicKeys = undefined;
    reloading = undefined;
  },
});

function reloadPublicKeys(): Promise<PublicKeys> {
  if (reloading) return reloading;
  const startedIn = epoch;
  const loadedAt = Date.now();
  const load = (async () => {
    const keys = publishedKeys(await listPublicSigningKeys());
    const verifiers = new Map<string, CryptoKey>();
    for (const k of keys) verifiers.set(k.kid, (await importJWK(k.publicJwk, SIGNING_ALG)) as CryptoKey);
    const jwks = keys.map((k) => ({ ...k.publicJwk, ...(k.cert ? jwkCertificateMembers(k.cert) : {}) }));
    const loaded = { loadedAt, verifiers, jwks };
    // A load begun before a clear() may hold what the change replaced: answer it, keep it not.
    if (startedIn === epoch) publicKeys = loaded;
    return loaded;
  })().finally(() => {
    if (reloading === load) reloading = undefined;
  });
  reloading = load;
  return load;
}

const age = (keys: PublicKeys | undefined) => (keys ? Date.now() - keys.loadedAt : Infinity);

async function currentPublicKeys(): Promise<PublicKeys> {
  return publicKeys && age(publicKeys) < MAX_AGE_MS ? publicKeys : reloadPublicKeys();
}

/** The public key for `kid`, or undefined when no such key exists or it is revoked. */
export async function verificationKey(kid: string): Promise<CryptoKey | undefined> {
  let keys = await currentPublicKeys();
  if (!keys.verifiers.has(kid) && age(keys) > UNKNOWN_KID_MS) keys = await reloadPublicKeys();
  return keys.verifiers.get(kid);
}

/** JWKS: each published key with `x5c` and `x5t` from its certificate. */
export async function publicJwkSet(): Promise<{ keys: JWK[] }> {
  return { keys: (await currentPublicKeys()).jwks };
}
