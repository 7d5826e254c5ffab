import type { JWK } from 'jose';
import { config } from '#shared/platform/config';
import { tenantChanged } from '#shared/platform/cache';
import { log } from '#shared/platform/log';
import { ConditionFailedError, WriteConflictError } from '#shared/db/errors';
import {
  addNextSigningKey,
  findCurrentSigningKey,
  findSigningKey,
  listPublicSigningKeys,
  putSigningKey,
  revokeSigningKey as revokeInTable,
  rotateSigningKeys,
  setSigningKeyCert,
  setSigningKeyPkcs7,
  type PublicSigningKeyRecord,
  type SigningKeyRecord,
} from '#shared/db/signing-keys-repo';
import { SigningKeyNotFoundError, SigningKeyNotRevocableError, SigningKeysChangedError } from '#shared/tenant/errors';
import { issueCertificate, pkcs7Of, type SignBytes } from '#shared/tenant/signing-keys/certificate';
import {
  privateJwkSigner,
  SIGNING_ALG,
  SigningKeyMakerUnavailableError,
  tableKeyMaker,
  type KeyMaker,
  type NewKey,
} from '#shared/tenant/signing-keys/key-makers';
import { stateOf } from '#shared/tenant/signing-keys/model';
import { toWireSigningKey, type WireSigningKey } from '#shared/tenant/signing-keys/wire';

/**
 * The signing keys' lifecycle (Auth0's): the seed makes a current and a next key; rotation makes
 * the next key current, the current key previous, and a new next key; revocation retires a
 * previous key for good. Each change is one conditional write or transaction, then
 * tenantChanged() so that this process signs and verifies with the new keys at once (other warm
 * functions within TENANT_CACHE_TTL_MS: docs/signing-keys.md).
 */

/** Auth0 names its certificates `CN=<tenant>.auth0.com`: ours carry the issuer's host. */
const commonName = () => new URL(config.ISSUER).hostname;

/**
 * AWS: the current key is a KMS key (the seed registers it; SIGNING_KEY_KMS_ID) and a Lambda never
 * holds a private key, so a table key cannot be made here: rotation makes KMS keys (kmsKeyMaker).
 */
export const onAws = () =>
  Boolean(config.SIGNING_KEY_KMS_ID) || process.env.BUNDLED_FOR_LAMBDA === 'true' || Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

/**
 * A KMS key made but never registered (its certificate or the rotation's transaction failed):
 * the rotate function may not delete keys, so the log names it for the operator.
 */
function leftBehind(key: NewKey, error: unknown): void {
  if (!key.kms_key_id) return;
  log.error('signing key made in KMS but not registered; schedule its deletion', {
    kms_key_id: key.kms_key_id,
    kid: key.kid,
    reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}

/**
 * A new key with its certificate. Nothing is written here: the record exists only once the key
 * exists and is certified (a refused kms:Sign leaves no half-made key in the table).
 */
async function makeKey(maker: KeyMaker): Promise<{ record: SigningKeyRecord; key: NewKey }> {
  const key = await maker.create();
  const now = new Date();
  let cert: string;
  try {
    cert = await issueCertificate(key.publicJwk, key.sign, commonName(), { now });
  } catch (error) {
    leftBehind(key, error);
    throw error;
  }
  const record: SigningKeyRecord = {
    kid: key.kid,
    alg: SIGNING_ALG,
    publicJwk: key.publicJwk,
    ...(key.privateJwk ? { privateJwk: key.privateJwk } : {}),
    ...(key.kms_key_id ? { kms_key_id: key.kms_key_id } : {}),
    ...(key.kms_key_stack ? { kms_key_stack: key.kms_key_stack } : {}),
    current: false,
    cert,
    pkcs7: pkcs7Of(cert),
    created_at: now.toISOString(),
  };
  return { record, key };
}

/** Adds a next key to the current key if it has none; a concurrent addition wins quietly. */
async function ensureNextKey(current: SigningKeyRecord | Omit<SigningKeyRecord, 'privateJwk'>, maker: KeyMaker): Promise<void> {
  if (current.next_kid) return;
  const { record, key } = await makeKey(maker);
  try {
    await addNextSigningKey(record, current.kid);
  } catch (error) {
    leftBehind(key, error);
    if (!(error instanceof WriteConflictError)) throw error;
  }
}

/**
 * Gives every key without a certificate one (keys made before certificates existed): a key that
 * still has its private half signs its own; an older one is certified by the current key.
 * Only where a private half is at hand (local); on AWS the KMS key would have to sign (a gap).
 */
async function certifyKeys(current: SigningKeyRecord): Promise<void> {
  await storePkcs7();
  if (!current.privateJwk) return;
  const sign = privateJwkSigner(current.privateJwk);
  for (const key of await listPublicSigningKeys()) {
    if (key.cert) continue;
    const self = key.kid === current.kid;
    const cert = await issueCertificate(key.publicJwk, sign, commonName(), self ? {} : { issuerJwk: current.publicJwk });
    await setSigningKeyCert(key.kid, cert, pkcs7Of(cert));
  }
}

/**
 * Stores `pkcs7` on every key certified before it was stored with the certificate, so that reads
 * (read.ts) need no X.509 library. Needs no private half: the local and the AWS seed both run it.
 */
export async function storePkcs7(): Promise<void> {
  for (const key of await listPublicSigningKeys()) {
    if (key.cert && !key.pkcs7) await setSigningKeyPkcs7(key.kid, key.cert, pkcs7Of(key.cert));
  }
}

/** Gives a key its self-signed certificate, signed by `sign` (a KMS key: through kms:Sign). */
export async function certifyKey(kid: string, publicJwk: JWK, sign: SignBytes): Promise<void> {
  const cert = await issueCertificate(publicJwk, sign, commonName());
  await setSigningKeyCert(kid, cert, pkcs7Of(cert));
  tenantChanged();
}

/** The wire form, `pkcs7` made here for a key certified before it was stored (until the seed stores it). */
const toWire = (key: PublicSigningKeyRecord): WireSigningKey =>
  toWireSigningKey(key.cert && !key.pkcs7 ? { ...key, pkcs7: pkcs7Of(key.cert) } : key);

/**
 * The seed's step (local): a current key with its certificate, a next key, and certificates for
 * keys that lack one. Idempotent: an existing tenant keeps its keys and gains what is missing.
 */
export async function ensureSigningKeys(maker: KeyMaker = tableKeyMaker): Promise<void> {
  let current = await findCurrentSigningKey({ withPrivateKey: true });
  if (!current) {
    const { record: made } = await makeKey(maker);
    current = { ...made, current: true, current_since: made.created_at };
    await putSigningKey(current);
  }
  await ensureNextKey(current, maker);
  await certifyKeys(current);
  tenantChanged();
}

/** Rotation: answers the key that became current (Auth0 answers it, 201). */
export async function rotateSigningKey(maker: KeyMaker = tableKeyMaker): Promise<WireSigningKey> {
  if (onAws() && maker.kind === 'table') {
    throw new SigningKeyMakerUnavailableError('A table key (its private half in the table) is never made in AWS: rotation makes KMS keys');
  }
  let current = await findCurrentSigningKey({ withPrivateKey: false });
  if (!current) throw new Error('No current signing key: run the seed (npm start does it on first start)');
  if (!current.next_kid) {
    await ensureNextKey(current, maker); // a tenant seeded before next keys existed
    current = await findCurrentSigningKey({ withPrivateKey: false });
  }
  const nextKid = current?.next_kid;
  if (!current || !nextKid) throw new SigningKeysChangedError();
  const { record: newNext, key } = await makeKey(maker);
  try {
    await rotateSigningKeys({ currentKid: current.kid, nextKid, newNext, at: new Date().toISOString() });
  } catch (error) {
    leftBehind(key, error);
    if (error instanceof WriteConflictError) throw new SigningKeysChangedError();
    throw error;
  }
  tenantChanged();
  return toWire((await findSigningKey(nextKid))!);
}

/** Revocation of a previous key; its tokens stop verifying (docs/signing-keys.md for the bound). */
export async function revokeSigningKey(kid: string, maker: KeyMaker = tableKeyMaker): Promise<WireSigningKey> {
  let revoked;
  try {
    revoked = await revokeInTable(kid, new Date().toISOString());
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const found = error.current as SigningKeyRecord | undefined;
    if (!found) throw new SigningKeyNotFoundError();
    const state = stateOf(found);
    if (state === 'previous') throw new SigningKeysChangedError();
    throw new SigningKeyNotRevocableError(state);
  }
  tenantChanged();
  // The revocation stands whatever KMS answers (its tokens are refused from now on); a key whose
  // deletion could not be scheduled is named in the log. A 500 here could not be retried: the
  // key is revoked, and a second revoke answers 400.
  try {
    await maker.retire(revoked);
  } catch (error) {
    log.error('signing key revoked, but its KMS key was not scheduled for deletion', {
      kid: revoked.kid,
      kms_key_id: revoked.kms_key_id,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
  return toWire(revoked);
}
