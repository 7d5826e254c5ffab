import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsService, type HttpsService } from '#test/support/https-service';

/**
 * Auth0's own Node SDK (`auth0` v7, ManagementClient) against `npm start`, as our users run it:
 * the service started the way a newcomer starts it, behind HTTPS (the SDK only speaks
 * https://<domain>/), with ISSUER set to the public https URL. The SDK runs in its own process
 * (test/e2e/fixtures/sdk-flow.mjs) because NODE_EXTRA_CA_CERTS is read only at process start.
 */
const fixture = fileURLToPath(new URL('./fixtures/sdk-flow.mjs', import.meta.url));
const searchFixture = fileURLToPath(new URL('./fixtures/sdk-search-flow.mjs', import.meta.url));
const USER_ID = /^auth0\|[0-9a-f]{24}$/;

let service: HttpsService;

beforeAll(async () => {
  service = await startHttpsService('auth0-sdk-e2e-');
}, 90_000);

afterAll(async () => {
  // The service must stop its server and its DynamoDB Local and exit 0, with nothing left behind.
  const shutdown = await service?.stop(3_000);
  expect(shutdown, `service output:\n${service?.output()}`).toEqual({ exit: { code: 0, signal: null }, leftovers: [] });
  expect(service.output().trimEnd()).toMatch(/\nSIGINT: stopping$/);
}, 60_000);

describe('Auth0 Node SDK (ManagementClient) against the service behind HTTPS', () => {
  it('manages users end to end, with Auth0 shapes and errors', async () => {
    const { domain, credentials } = service;
    const run = await service.runFixture(fixture, {
      AUTH0_DOMAIN: domain,
      AUTH0_CLIENT_ID: credentials.management.client_id,
      AUTH0_CLIENT_SECRET: credentials.management.client_secret,
    });
    expect(run.code, `sdk-flow failed:\n${run.stderr}\nservice output:\n${service.output()}`).toBe(0);
    const r = JSON.parse(run.stdout);

    // Created, then read back: Auth0's id format, the email lowercased, metadata as sent.
    expect(r.created.user_id).toMatch(USER_ID);
    expect(r.created).toMatchObject({
      email: 'ada.lovelace@example.com',
      email_verified: false,
      user_metadata: { hobby: 'surfing' },
      app_metadata: { plan: 'gold' },
      identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: r.created.user_id.slice(6), isSocial: false }],
    });
    expect(r.created.user_metadata).toEqual({ hobby: 'surfing' });
    expect(r.fetched).toEqual(r.created);

    // PATCH merges user_metadata; a null value deletes its key.
    expect(r.updated.user_metadata).toEqual({ theme: 'dark' });
    expect(r.updated.app_metadata).toEqual({ plan: 'gold' });
    expect(r.afterUpdate).toEqual(r.updated);

    expect(r.byEmail).toEqual([r.afterUpdate]);

    // Paging with include_totals: Auth0's envelope, and the SDK's own iteration over it.
    expect(r.paging.firstPage).toMatchObject({ start: 0, limit: 1, length: 1, total: 2 });
    expect(r.paging.firstPageData).toEqual([r.created.user_id]);
    expect(r.paging.hasNextPage).toBe(true);
    expect(r.iterated).toHaveLength(2);
    expect(r.iterated[0]).toBe(r.created.user_id);
    expect(r.iterated[1]).toMatch(USER_ID);
    expect(r.search).toEqual({ total: 2, emails: ['ada.lovelace@example.com', 'grace.hopper@example.com'] });
    expect(r.badQuery).toMatchObject({ statusCode: 400, body: { errorCode: 'invalid_query_string' } });

    // Errors surface as the SDK's typed errors, carrying Auth0's bodies.
    expect(r.missing).toMatchObject({ name: 'NotFoundError', isManagementError: true, statusCode: 404 });
    expect(r.missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
    expect(r.duplicate).toMatchObject({ name: 'ConflictError', isManagementError: true, statusCode: 409 });
    expect(r.duplicate.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'The user already exists.', errorCode: 'auth0_idp_error' });

    expect(r.deleted).toBe('undefined');
    expect(r.afterDelete).toMatchObject({ name: 'NotFoundError', statusCode: 404, body: { message: 'The user does not exist.' } });

    // The token came from our /oauth/token, for our issuer and the Management API audience.
    expect(r.tokenClaims).toMatchObject({
      iss: `https://${domain}/`,
      aud: `https://${domain}/api/v2/`,
      sub: `${credentials.management.client_id}@clients`,
      azp: credentials.management.client_id,
      gty: 'client-credentials',
    });
    expect(r.tokenClaims.scope.split(' ')).toEqual(expect.arrayContaining(['read:users', 'create:users', 'update:users', 'delete:users']));
    const requests = service.proxy.requests.map((q) => `${q.method} ${q.url.split('?')[0]} ${q.status}`);
    expect(requests[0]).toBe('POST /oauth/token 200');
    // ManagementClient fetched one token and reused it; the second is the fixture's TokenProvider.
    expect(requests.filter((q) => q.startsWith('POST /oauth/token'))).toEqual(['POST /oauth/token 200', 'POST /oauth/token 200']);
    expect(requests.at(-1)).toBe('POST /oauth/token 200');
    expect(requests).toContain('GET /api/v2/users-by-email 200');
  });

  it('searches with users.list and q: the documented examples, a declared index, and writes seen at once', async () => {
    const { domain, credentials } = service;
    const run = await service.runFixture(searchFixture, {
      AUTH0_DOMAIN: domain,
      AUTH0_CLIENT_ID: credentials.management.client_id,
      AUTH0_CLIENT_SECRET: credentials.management.client_secret,
    });
    expect(run.code, `sdk-search-flow failed:\n${run.stderr}\nservice output:\n${service.output()}`).toBe(0);
    const r = JSON.parse(run.stdout);
    const found = (...emails: string[]) => ({ total: emails.length, emails });
    expect(r.examples).toEqual({
      'name:"jane smith"': found('jane.smith@example.com'),
      'name:john*': found('john.doe@contoso.com', 'johnny@example.org'),
      'name:j*': found('jane.smith@example.com', 'john.doe@contoso.com', 'johnny@example.org'),
      'name:*usa': found('johnny@example.org'),
      'email.domain:"contoso.com"': found('john.doe@contoso.com'),
      'user_metadata.addresses.city:"Paris"': found('jane.smith@example.com'),
      'email_verified:false OR NOT _exists_:email_verified': found('jane.smith@example.com', 'johnny@example.org'),
      'logins_count:[100 TO 200]': found(),
      'app_metadata.subscription.plan:"gold"': found('jane.smith@example.com'),
      'app_metadata.subscription.plan:go*': found('jane.smith@example.com'),
    });
    expect(r.declared).toBe(201);
    expect(r.job).toMatchObject({ type: 'search_index_backfill', status: 'completed', percentage_done: 100 });
    expect(r.index).toMatchObject({ path: 'app_metadata.subscription.plan', type: 'string', status: 'ready' });
    expect(r.afterUpdate).toEqual(found('jane.smith@example.com', 'john.doe@contoso.com'));
    expect(r.afterDelete).toEqual(found('john.doe@contoso.com'));
  });
});
