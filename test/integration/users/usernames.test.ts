import { beforeAll, describe, expect, it } from 'vitest';
import { insertConnection } from '#shared/db/connections-repo';
import { call } from '#test/support/api';
import { seedUser, uniqueEmail } from '#test/support/users';

/** A connection that requires usernames: they are lower-cased, unique per connection, and movable. */
const CONNECTION = 'with-usernames';

beforeAll(async () => {
  await insertConnection({
    id: 'con_usernames', name: CONNECTION, strategy: 'auth0', options: { requires_username: true },
    enabled_clients: [], realms: [CONNECTION], is_domain_connection: false,
  });
});

describe('usernames', () => {
  it('requires one on such a connection', async () => {
    const res = await call('users-create', { scopes: ['create:users'], body: { connection: CONNECTION, email: uniqueEmail(), password: 'Passw0rd!long' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Payload validation error: 'Missing required property: username'.");
  });

  it('stores it lower-cased and refuses a second user with it, whatever the case', async () => {
    const user = await seedUser({ connection: CONNECTION, username: 'Grace_H' });
    expect(user.username).toBe('grace_h');
    const clash = await call('users-create', {
      scopes: ['create:users'], body: { connection: CONNECTION, email: uniqueEmail(), password: 'Passw0rd!long', username: 'GRACE_H' },
    });
    expect(clash.status).toBe(409);
  });

  it('moves a username with PATCH and frees the old one', async () => {
    const user = await seedUser({ connection: CONNECTION, username: 'ada_l' });
    const moved = await call('users-update', { scopes: ['update:users'], params: { id: user.user_id }, body: { username: 'countess' } });
    expect(moved.status).toBe(200);
    expect(moved.body.username).toBe('countess');
    expect(moved.headers.etag).toBe('"2"');
    const reuse = await seedUser({ connection: CONNECTION, username: 'ada_l' });
    expect(reuse.username).toBe('ada_l');
    const taken = await call('users-update', { scopes: ['update:users'], params: { id: reuse.user_id }, body: { username: 'countess' } });
    expect(taken.status).toBe(409);
  });

  it('deletes free the username too', async () => {
    const user = await seedUser({ connection: CONNECTION, username: 'temp_user' });
    expect((await call('users-delete', { scopes: ['delete:users'], params: { id: user.user_id } })).status).toBe(204);
    expect((await seedUser({ connection: CONNECTION, username: 'temp_user' })).username).toBe('temp_user');
  });
});
