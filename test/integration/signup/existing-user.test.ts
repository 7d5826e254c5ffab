import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '#shared/tenant/clients';
import { insertConnection } from '#shared/db/connections-repo';
import type { RequestRecord } from '#shared/http/handler';
import { hashPassword } from '#shared/tenant/passwords/hash';
import { call, observeRequests } from '#test/support/api';
import { CONNECTION, seedUser, uniqueEmail } from '#test/support/users';

/**
 * Signing up with an email or username that is taken: Auth0's deliberately vague
 * `invalid_signup`, which says nothing of the existing account, by its body or its cost (the
 * password is hashed and one write is tried, as for a new user), and leaves that account as it was.
 */
const USERNAMES = 'signup-existing-usernames';
const PASSWORD = 'Passw0rd!long';
const INVALID_SIGNUP = '{"name":"BadRequestError","code":"invalid_signup","description":"Invalid sign up","statusCode":400}';
let clientId: string;

beforeAll(async () => {
  const { client } = await createClient({ name: 'Signup existing', app_type: 'spa', grant_types: ['password'] });
  clientId = client.client_id;
  await insertConnection({
    id: 'con_sx_usernames', name: USERNAMES, strategy: 'auth0', options: { requires_username: true },
    enabled_clients: [clientId], realms: [USERNAMES], is_domain_connection: false,
  });
});

const signup = (body: Record<string, unknown>) => call('signup', { body: { client_id: clientId, connection: CONNECTION, password: PASSWORD, ...body } });

describe('signup with an email or username already taken', () => {
  it('answers invalid_signup for an email signed up before, whatever its case, and keeps the first user', async () => {
    const email = uniqueEmail('taken');
    const first = await signup({ email, user_metadata: { plan: 'gold' } });
    expect(first.status).toBe(200);
    const again = await signup({ email: email.toUpperCase(), password: 'Other-Passw0rd', user_metadata: { plan: 'free' } });
    expect(again.status).toBe(400);
    expect(again.text).toBe(INVALID_SIGNUP);
    const users = await call('users-by-email', { query: { email }, scopes: ['read:users'] });
    expect(users.body).toHaveLength(1);
    expect(users.body[0]).toMatchObject({ user_id: `auth0|${first.body._id}`, user_metadata: { plan: 'gold' } });
  });

  it('answers the same for a user created through the Management API', async () => {
    const user = await seedUser();
    const res = await signup({ email: user.email });
    expect(res.text).toBe(INVALID_SIGNUP);
  });

  it('answers the same for a taken username, with a new email', async () => {
    const first = await signup({ email: uniqueEmail(), connection: USERNAMES, username: 'Taken_Name' });
    expect(first.status).toBe(200);
    const email = uniqueEmail();
    const res = await signup({ email, connection: USERNAMES, username: 'taken_name' });
    expect(res.text).toBe(INVALID_SIGNUP);
    expect((await call('users-by-email', { query: { email }, scopes: ['read:users'] })).body).toEqual([]);
  });

  it('costs what a new signup costs: the same DynamoDB calls after hashing the password', async () => {
    const email = uniqueEmail('cost');
    await signup({ email: uniqueEmail() }); // warms the client and connection caches
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const fresh = await signup({ email });
    const taken = await signup({ email });
    stop();
    expect([fresh.status, taken.status]).toEqual([200, 400]);
    // Queries: the pre-user-registration actions and the search index declarations (both kept by a
    // warm Lambda; not in these tests, which run with EXTENSIONS_CACHE_MS=0: registration/request-count.test.ts).
    expect(seen.map((r) => r.db.commands)).toEqual([['Query', 'Query', 'TransactWriteItems'], ['Query', 'Query', 'TransactWriteItems']]);

    // Refusing without hashing would take a fraction of one hash; it takes at least about one.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const timed = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    const hashing = median(await sequence(3, () => timed(() => hashPassword(PASSWORD))));
    const refusing = median(await sequence(3, () => timed(() => signup({ email }))));
    expect(refusing).toBeGreaterThan(hashing * 0.5);
  });
});

async function sequence<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}
