import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { CONNECTION, uniqueEmail } from '#test/support/users';

/**
 * A metadata key named `constructor`: DynamoDB's marshaller tells a map from a Set, a Map or a
 * Buffer by `value.constructor.name`, which that key shadows. Scalars and arrays under it are
 * stored as sent (they were a 500); an object under it is refused with a 400 (it would be taken
 * for a Set or a Buffer), at any depth.
 */
const create = (user_metadata: unknown) =>
  call('users-create', { scopes: ['create:users'], body: { connection: CONNECTION, email: uniqueEmail('ctor'), password: 'Passw0rd!long', user_metadata } });

describe('a metadata key named constructor', () => {
  it('stores a string, a number, a boolean or an array under it, at the top and nested', async () => {
    const user_metadata = { constructor: 'Bob the Builder', nested: { constructor: 42, deeper: { constructor: true } }, list: [{ constructor: ['a'] }] };
    const res = await create(user_metadata);
    expect(res.status, res.text).toBe(201);
    const read = await call('users-get', { scopes: ['read:users'], params: { id: res.body.user_id } });
    expect(read.body.user_metadata).toEqual(user_metadata);
  });

  it('refuses an object under it, wherever it is, and writes nothing', async () => {
    for (const [user_metadata, path] of [
      [{ constructor: { name: 'Set' } }, 'user_metadata.constructor'],
      [{ a: { constructor: { name: 'Uint8Array', length: 3 } } }, 'user_metadata.a.constructor'],
      [{ a: [{ constructor: { name: 'Map' } }] }, 'user_metadata.a[0].constructor'],
    ] as const) {
      const res = await create(user_metadata);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(`${path} cannot be an object: a key named "constructor" holds only a string, number, boolean or array.`);
    }
    const patch = await call('users-update', { scopes: ['update:users'], params: { id: 'auth0|000000000000000000000000' }, body: { app_metadata: { constructor: { name: 'Set' } } } });
    expect(patch.status).toBe(400);
    expect(patch.body.message).toBe('app_metadata.constructor cannot be an object: a key named "constructor" holds only a string, number, boolean or array.');
  });
});
