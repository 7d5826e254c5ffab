import { ManagementError } from '#shared/platform/errors';

/** Errors of the tenant's settings, answered by Management routes and mapped by the Authentication API. */

export class ConnectionNotFoundError extends ManagementError {
  constructor() {
    super(400, 'inexistent_connection', 'The connection does not exist.');
  }
}

// --------------------------------------------------------------------------------- signing keys
/** GET or revoke of a kid the tenant never had. Auth0's wording is unconfirmed (docs/signing-keys.md). */
export class SigningKeyNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_signing_key', 'The signing key does not exist.');
  }
}

/** Revoke of a key that is not a previous one: only a previously used key can be revoked (Auth0's rule). */
export class SigningKeyNotRevocableError extends ManagementError {
  constructor(state: 'current' | 'next' | 'revoked') {
    const why = {
      current: 'it is the current key; rotate first, then revoke it as the previous key',
      next: 'it is the next key, which has never signed',
      revoked: 'it is already revoked',
    }[state];
    super(400, 'invalid_signing_key_state', `Only a previously used signing key can be revoked: ${why}.`);
  }
}

/** Another rotation (or revocation) changed the keys while this one was applied. */
export class SigningKeysChangedError extends ManagementError {
  constructor() {
    super(409, 'concurrent_update', 'The signing keys were changed by another request while this one was applied; try again.');
  }
}
