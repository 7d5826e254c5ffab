import type { PublicSigningKeyRecord } from '#shared/db/signing-keys-repo';

/**
 * A key's state, from Auth0's flags: one `current` key signs, one `next` key waits for the next
 * rotation, a `previous` key signed before (its tokens verify until it is revoked), a `revoked`
 * key is kept for the record and never published again. A key that is none of the first three and
 * not revoked is previous: that covers keys demoted before these flags existed.
 */
export type SigningKeyState = 'current' | 'next' | 'previous' | 'revoked';

export function stateOf(key: Pick<PublicSigningKeyRecord, 'current' | 'next' | 'revoked'>): SigningKeyState {
  if (key.revoked) return 'revoked';
  if (key.current) return 'current';
  if (key.next) return 'next';
  return 'previous';
}

const ORDER: Record<SigningKeyState, number> = { current: 0, next: 1, previous: 2, revoked: 3 };

/** Current, next, then previous and revoked keys, the most recently used first. */
export function inListOrder<K extends PublicSigningKeyRecord>(keys: K[]): K[] {
  const when = (k: K) => k.revoked_at ?? k.current_until ?? k.created_at;
  return [...keys].sort((a, b) => ORDER[stateOf(a)] - ORDER[stateOf(b)] || when(b).localeCompare(when(a)) || a.kid.localeCompare(b.kid));
}

/** What JWKS publishes and verifiers accept: every key but the revoked ones, in list order. */
export const publishedKeys = <K extends PublicSigningKeyRecord>(keys: K[]): K[] => inListOrder(keys.filter((k) => stateOf(k) !== 'revoked'));
