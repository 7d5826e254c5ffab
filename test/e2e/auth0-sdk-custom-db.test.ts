import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JANE, startLegacyStore, type LegacyStore } from '#infra/local/legacy-store/server';
import { startHttpsService, type HttpsService } from '#test/support/https-service';

/**
 * Lazy migration with Auth0's own Node SDK, against `npm start` behind HTTPS (the SDK only speaks
 * https://<domain>/): `connections.create` makes an import-mode custom database connection whose
 * scripts reach a legacy store on loopback (allowed by EXTENSIONS_ALLOW_HOSTS, as an operator
 * would), `passwordGrant` with the realm migrates the seed's example user, and after the store is
 * stopped she still logs in. The SDK runs in its own process (fixtures/sdk-custom-db-flow.mjs),
 * once per phase, because NODE_EXTRA_CA_CERTS is read only at process start.
 */
const fixture = fileURLToPath(new URL('./fixtures/sdk-custom-db-flow.mjs', import.meta.url));
const JOHN = { email: 'john.legacy@example.com', password: 'An0ther-legacy-pass!', user_metadata: {}, metadata: {} };

let store: LegacyStore;
let service: HttpsService;
/** What each phase of the fixture printed. */
const r: { migrate?: any; stopped?: any } = {};
let failure = '';

beforeAll(async () => {
  store = await startLegacyStore({ users: [JANE, JOHN] });
  service = await startHttpsService('auth0-sdk-custom-db-e2e-', { EXTENSIONS_ALLOW_HOSTS: `127.0.0.1:${store.port}` });
  const { credentials } = service;
  const env = {
    AUTH0_DOMAIN: service.domain,
    AUTH0_CLIENT_ID: credentials.application.client_id,
    AUTH0_CLIENT_SECRET: credentials.application.client_secret,
    AUTH0_MANAGEMENT_CLIENT_ID: credentials.management.client_id,
    AUTH0_MANAGEMENT_CLIENT_SECRET: credentials.management.client_secret,
  };
  const run = async (phase: string, extra: Record<string, string> = {}) => {
    const result = await service.runFixture(fixture, { ...env, PHASE: phase, ...extra });
    if (result.code === 0) return JSON.parse(result.stdout);
    failure ||= `sdk-custom-db-flow (${phase}) exited with ${result.code}:\n${result.stderr}\nservice output:\n${service.output()}`;
    return undefined;
  };
  r.migrate = await run('migrate', { LEGACY_URL: store.url, LEGACY_API_KEY: store.apiKey });
  await store.stop();
  r.stopped = await run('store-stopped');
}, 180_000);

afterAll(async () => {
  await store?.stop().catch(() => undefined);
  await service?.stop();
}, 30_000);

describe('Auth0 Node SDK: a custom database connection in import mode', () => {
  it('creates the connection through connections.create, with the scripts as sent and the configuration hidden', () => {
    expect(failure).toBe('');
    const { created, sentScripts } = r.migrate;
    expect(created).toMatchObject({
      id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/),
      name: 'legacy-users',
      strategy: 'auth0',
      enabled_clients: [service.credentials.application.client_id],
      realms: ['legacy-users'],
      options: { enabledDatabaseCustomization: true, import_mode: true, customScripts: sentScripts },
    });
    expect(Object.keys(created.options.configuration).sort()).toEqual(['API_KEY', 'BASE_URL']);
    for (const value of Object.values(created.options.configuration)) expect(value).toMatch(/^2\.0\$/);
    expect(JSON.stringify(created)).not.toContain(store.apiKey);
  });

  it('refuses a signup for a user the legacy store holds (get_user), with Auth0’s signup error', () => {
    expect(failure).toBe('');
    expect(r.migrate.duplicateSignUp).toEqual({
      name: 'AuthApiError',
      statusCode: 400,
      error: 'invalid_signup',
      error_description: 'Invalid sign up',
      body: { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 },
    });
  });

  it('migrates Jane at her first password-realm login: app_metadata.plan and user_metadata.hobby, no metadata', () => {
    expect(failure).toBe('');
    const { beforeLogin, login, user } = r.migrate;
    expect(beforeLogin).toEqual([]);
    const issuer = `https://${service.domain}/`;
    // The SDK verified this ID token (issuer, audience, RS256 through our JWKS) before resolving.
    expect(login).toMatchObject({ status: 200, token_type: 'Bearer', hasAccessToken: true });
    expect(login.idToken).toMatchObject({ iss: issuer, sub: 'auth0|1001', aud: service.credentials.application.client_id, email: JANE.email, email_verified: true, name: 'Jane Doe' });
    expect(user).toMatchObject({
      user_id: 'auth0|1001',
      email: JANE.email,
      email_verified: true,
      name: 'Jane Doe',
      given_name: 'Jane',
      family_name: 'Doe',
      user_metadata: { hobby: 'surfing' },
      app_metadata: { plan: 'full' },
      identities: [{ connection: 'legacy-users', provider: 'auth0', user_id: '1001', isSocial: false }],
      logins_count: 1,
    });
    expect(user.user_metadata).toEqual(JANE.user_metadata);
    expect(user.app_metadata).toEqual(JANE.metadata);
    expect(user).not.toHaveProperty('metadata');
    // The store was asked once for the login and once for John's signup; nothing else.
    expect(Object.fromEntries(store.requests)).toEqual({ 'POST /login': 1, 'GET /users': 1 });
  });

  it('logs Jane in with the store stopped, refuses her wrong password here, and fails a not-migrated user with a reference', () => {
    expect(failure).toBe('');
    const { login, user, wrongPassword, notMigrated } = r.stopped;
    expect(login).toMatchObject({ status: 200, idToken: { sub: 'auth0|1001', email: JANE.email } });
    expect(user).toMatchObject({ user_id: 'auth0|1001', app_metadata: { plan: 'full' }, user_metadata: { hobby: 'surfing' }, logins_count: 2 });
    expect(user).not.toHaveProperty('metadata');
    expect(wrongPassword).toEqual({
      name: 'AuthApiError',
      statusCode: 403,
      error: 'invalid_grant',
      error_description: 'Wrong email or password.',
      body: { error: 'invalid_grant', error_description: 'Wrong email or password.' },
    });
    const description = expect.stringMatching(/^The login could not be completed: the connection's login script failed \(reference [A-Za-z0-9]{12}\)\.$/);
    expect(notMigrated).toEqual({ name: 'AuthApiError', statusCode: 403, error: 'invalid_grant', error_description: description, body: { error: 'invalid_grant', error_description: description } });
    // The reference is in the service's log, with the connection and the script; the password is not.
    const reference = /\(reference ([A-Za-z0-9]{12})\)/.exec(notMigrated.error_description)![1]!;
    expect(service.output()).toContain(reference);
    expect(service.output()).not.toContain('An0ther-legacy-pass!');
    expect(service.output()).not.toContain(JANE.password);
    expect(service.output()).not.toContain(store.apiKey);
  });
});
