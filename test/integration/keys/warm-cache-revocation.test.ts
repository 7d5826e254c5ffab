import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TENANT_CACHE_TTL_MS } from '#shared/platform/cache';
import { findCurrentSigningKey, revokeSigningKey, rotateSigningKeys } from '#shared/db/signing-keys-repo';
import { currentSigner } from '#shared/authentication/tokens/current-signer';
import { tableKeyMaker } from '#shared/tenant/signing-keys/key-makers';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { managementToken } from '#test/support/tokens';

/**
 * A change made by another function (another Lambda: written to the table directly, without this
 * process's tenantChanged()) reaches this warm process within the bound docs/signing-keys.md
 * states: TENANT_CACHE_TTL_MS (30 s) from the moment the cache was loaded, so at most 30 s after
 * the change. Only Date is faked: the clock moves, requests still run for real.
 */
const SCOPES = ['read:users'];
const usersList = (token: string) => call('users-list', { token });

/** A call and the DynamoDB commands it made. */
async function observed(token: string) {
  const seen: RequestRecord[] = [];
  const stop = observeRequests((r) => seen.push(r));
  try {
    const res = await usersList(token);
    return { res, commands: seen.flatMap((r) => r.db.commands) };
  } finally {
    stop();
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a key revoked while a warm cache holds it', () => {
  it('verifies from the warm cache for less than TENANT_CACHE_TTL_MS, and is refused from then on', async () => {
    expect(TENANT_CACHE_TTL_MS).toBe(30_000);
    // A previous key with a token of its own: rotate (through the API), keep the old key's token.
    const oldToken = await managementToken({ scopes: SCOPES });
    const oldKid = decodeProtectedHeader(oldToken).kid!;
    expect((await call('signing-keys-rotate', { scopes: ['create:signing_keys', 'update:signing_keys'] })).status).toBe(201);

    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    expect((await usersList(oldToken)).status).toBe(200); // loads the key cache at t0
    const warm = await observed(oldToken); // what a call costs with the keys cached
    expect(warm.res.status).toBe(200);

    vi.setSystemTime(t0 + 1_000);
    await revokeSigningKey(oldKid, new Date().toISOString()); // as another function would: no tenantChanged()

    // Within the bound the warm cache still answers (what we promise, no more): no key read.
    vi.setSystemTime(t0 + TENANT_CACHE_TTL_MS - 1);
    const within = await observed(oldToken);
    expect(within.res.status).toBe(200);
    expect(within.commands).toEqual(warm.commands); // no read of the keys

    // From TENANT_CACHE_TTL_MS after the load (so at most that long after the revocation): refused.
    vi.setSystemTime(t0 + TENANT_CACHE_TTL_MS);
    const after = await observed(oldToken);
    expect(after.res.status).toBe(401);
    expect(after.res.body).toMatchObject({ message: 'Invalid token', errorCode: 'invalid_token' });
    expect(after.commands).toEqual(['Query']); // the keys, read again
    vi.setSystemTime(t0 + 1_000 + TENANT_CACHE_TTL_MS);
    expect((await usersList(oldToken)).status).toBe(401);
    // The new current key's tokens are unaffected.
    expect((await usersList(await managementToken({ scopes: SCOPES }))).status).toBe(200);
  });
});

describe('a rotation made by another function', () => {
  it('reaches this warm signer within TENANT_CACHE_TTL_MS; meanwhile it signs with the key just made previous, which verifies', async () => {
    // Later than the clock of the test above ever went, so every cache it left has expired.
    const t0 = Date.now() + 3 * TENANT_CACHE_TTL_MS;
    vi.useFakeTimers({ toFake: ['Date'], now: t0 });
    const before = await currentSigner(); // the signer cache is loaded at t0
    const current = await findCurrentSigningKey({ withPrivateKey: false });
    const made = await tableKeyMaker.create();
    await rotateSigningKeys({
      currentKid: current!.kid,
      nextKid: current!.next_kid!,
      newNext: { kid: made.kid, alg: 'RS256', publicJwk: made.publicJwk, privateJwk: made.privateJwk, current: false, created_at: new Date().toISOString() },
      at: new Date().toISOString(),
    });

    vi.setSystemTime(t0 + TENANT_CACHE_TTL_MS - 1);
    const stale = await managementToken({ scopes: SCOPES });
    expect(decodeProtectedHeader(stale).kid).toBe(before.kid);
    expect((await usersList(stale)).status).toBe(200); // the previous key still verifies

    vi.setSystemTime(t0 + TENANT_CACHE_TTL_MS);
    const fresh = await managementToken({ scopes: SCOPES });
    expect(decodeProtectedHeader(fresh).kid).toBe(current!.next_kid);
    expect((await usersList(fresh)).status).toBe(200);
  });
});
