import { beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * What the pre-user-registration trigger costs a warm function's signups, in DynamoDB requests
 * (observeRequests). With nothing bound a signup sends what it sent before the trigger existed:
 * the search index declarations' Query (kept by a warm Lambda, not in tests) and the user's
 * TransactWriteItems. A binding made through the Management API reaches the next signup in this
 * process (tenantChanged) at the price of one Query of the EXTENSIONS partition, once (plus the
 * client and connection, whose caches every tenant write clears).
 *
 * The integration setup imported the service with EXTENSIONS_CACHE_MS=0 (no cache: every signup
 * reads the partition); this file sets a warm function's cache and imports everything again.
 */
process.env.EXTENSIONS_CACHE_MS = '60000';
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { call, observeRequests } = await import('#test/support/api');
const { createClient } = await import('#shared/tenant/clients');
const { CONNECTION, uniqueEmail } = await import('#test/support/users');
const { bindOnly, bindRegistration } = await import('#test/integration/registration/support');
const { withDbMetrics } = await import('#shared/db/metrics');
const { queryLoginItems } = await import('#shared/db/extensions-repo');
const { registerDatabaseUser } = await import('#shared/authentication/dbconnections/signup');

let clientId: string;
beforeAll(async () => {
  clientId = (await createClient({ name: 'Counted SPA', app_type: 'spa', grant_types: ['password'] })).client.client_id;
});

async function signupCommands(body: Record<string, unknown> = {}): Promise<{ status: number; commands: string[] }> {
  const seen: string[][] = [];
  const stop = observeRequests((r) => seen.push(r.db.commands));
  const res = await call('signup', { body: { client_id: clientId, connection: CONNECTION, password: 'Passw0rd!long', email: uniqueEmail(), ...body } });
  stop();
  expect(seen).toHaveLength(1);
  return { status: res.status, commands: seen[0]! };
}

const BEFORE = ['Query', 'TransactWriteItems'];

describe('DynamoDB requests per signup, warm function', () => {
  it('with nothing bound: exactly what a signup sent before the trigger (no extensions read, no sandbox)', async () => {
    // Cold: the extensions (whose first generation clears the tenant caches), client and connection reads.
    expect(await signupCommands()).toEqual({ status: 200, commands: ['Query', 'Query', 'GetItem', ...BEFORE] });
    for (let i = 0; i < 3; i += 1) expect(await signupCommands()).toEqual({ status: 200, commands: BEFORE });
  });

  it('after a binding: one reload of the EXTENSIONS partition on the next signup, then no extra request', async () => {
    await bindOnly("api.user.setUserMetadata('counted', true);");
    // The write cleared this process's tenant caches: the extensions, client and connection are read again, once.
    expect(await signupCommands()).toEqual({ status: 200, commands: ['Query', 'Query', 'GetItem', ...BEFORE] });
    const steady = await signupCommands();
    expect(steady).toEqual({ status: 200, commands: BEFORE });
  });

  it('after unbinding: reloaded once, then back to the signup alone', async () => {
    await bindRegistration([]);
    expect(await signupCommands()).toEqual({ status: 200, commands: ['Query', 'Query', 'GetItem', ...BEFORE] });
    expect(await signupCommands()).toEqual({ status: 200, commands: BEFORE });
  });

  it('the hosted page path (registerDatabaseUser) costs the same', async () => {
    const email = uniqueEmail('hosted');
    const { metrics } = await withDbMetrics(() =>
      registerDatabaseUser({ client_id: clientId, connection: CONNECTION, email, password: 'Passw0rd!long' }, { ip: '198.51.100.4', body: { email } }),
    );
    expect(metrics.commands).toEqual(BEFORE);
  });

  it('the reload is one consistent Query of the partition', async () => {
    const { metrics } = await withDbMetrics(() => queryLoginItems());
    expect(metrics.commands).toEqual(['Query']);
  });
});
