import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsService, type HttpsService } from '#test/support/https-service';

/**
 * Auth0's own Node SDK against the Authentication API of `npm start`, behind HTTPS (the SDK only
 * speaks https://<domain>/) with ISSUER set to the public https URL. `auth0` v7 ships its
 * authentication clients (node-auth0 v4's `AuthenticationClient` and `UserInfoClient`) under
 * `auth0/legacy`; the rule is created with v7's `ManagementClient`. The SDK runs in its own
 * process (test/e2e/fixtures/sdk-authentication-flow.mjs) because NODE_EXTRA_CA_CERTS is read
 * only at process start.
 */
const fixture = fileURLToPath(new URL('./fixtures/sdk-authentication-flow.mjs', import.meta.url));
const CLAIM = 'https://myapp.example.com/favorite_color';
const EMAIL = 'grace.hopper@example.com';

let service: HttpsService;
/** What the fixture printed (one run, shared by the tests below). */
let r: any;
let sdkFailure = '';

beforeAll(async () => {
  service = await startHttpsService('auth0-sdk-authentication-e2e-');
  const { credentials, tlsPort } = service;
  const run = await service.runFixture(fixture, {
    AUTH0_DOMAIN: service.domain,
    // The same proxy under a name that is not the issuer (the certificate covers both).
    AUTH0_ALT_DOMAIN: `127.0.0.1:${tlsPort}`,
    AUTH0_CLIENT_ID: credentials.application.client_id,
    AUTH0_CLIENT_SECRET: credentials.application.client_secret,
    AUTH0_MANAGEMENT_CLIENT_ID: credentials.management.client_id,
    AUTH0_MANAGEMENT_CLIENT_SECRET: credentials.management.client_secret,
  });
  if (run.code === 0) r = JSON.parse(run.stdout);
  else sdkFailure = `sdk-authentication-flow exited with ${run.code}:\n${run.stderr}\nservice output:\n${service.output()}`;
}, 90_000);

// Its clean shutdown is asserted in auth0-sdk.test.ts, not again here.
afterAll(async () => {
  await service?.stop();
}, 30_000);

describe('Auth0 Node SDK (AuthenticationClient, UserInfoClient) against the service behind HTTPS', () => {
  it('signs up, logs in through a rule, refreshes with rotation, reads /userinfo, with Auth0 shapes and errors', async () => {
    expect(sdkFailure).toBe('');
    const { domain, credentials, tlsPort } = service;
    const issuer = `https://${domain}/`;
    const clientId = credentials.application.client_id;

    // 1. database.signUp: Auth0's signup answer (`id` is the SDK's own copy of `_id`).
    expect(r.signUp).toEqual({
      status: 200,
      data: { _id: expect.stringMatching(/^[0-9a-f]{24}$/), id: r.signUp.data._id, email: EMAIL, email_verified: false, user_metadata: { favorite_color: 'blue' } },
    });
    const sub = `auth0|${r.signUp.data._id}`;

    // 2. rules.create through v7's ManagementClient.
    expect(r.rule).toEqual({ id: expect.stringMatching(/^rul_/), name: 'add-color', enabled: true, order: 1, stage: 'login_success' });

    // 3. oauth.passwordGrant (password-realm): the SDK validated the ID token (it resolves only
    // then), which carries the scopes' claims and the rule's namespaced claim.
    expect(r.login).toMatchObject({ status: 200, token_type: 'Bearer', expires_in: 86400, scope: 'openid profile email offline_access', hasRefreshToken: true });
    expect(r.login.idTokenHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(r.login.idToken).toEqual({
      iss: issuer,
      sub,
      aud: clientId,
      iat: expect.any(Number),
      exp: r.login.idToken.iat + 36000,
      email: EMAIL,
      email_verified: false,
      name: EMAIL,
      nickname: 'grace.hopper',
      picture: expect.stringMatching(/^https:\/\//),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      [CLAIM]: 'blue',
      sid: expect.any(String),
    });
    expect(r.login.accessToken).toMatchObject({ iss: issuer, sub, aud: `${issuer}userinfo`, azp: clientId, scope: 'openid profile email offline_access' });

    // 4. oauth.refreshTokenGrant: new tokens (validated ID token, rule ran again), a new refresh
    // token; the rotated one is then refused, and its reuse revoked the whole family.
    expect(r.refreshed).toMatchObject({ status: 200, token_type: 'Bearer', expires_in: 86400, hasRefreshToken: true });
    expect(r.refreshRotated).toBe(true);
    expect(r.refreshed.idToken).toMatchObject({ iss: issuer, sub, aud: clientId, email: EMAIL, [CLAIM]: 'blue' });
    const invalidRefresh = {
      name: 'AuthApiError',
      statusCode: 403,
      error: 'invalid_grant',
      error_description: 'Unknown or invalid refresh token.',
      message: 'Unknown or invalid refresh token.',
      body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
    };
    expect(r.reusedOldRefreshToken).toEqual(invalidRefresh);
    expect(r.newRefreshTokenAfterReuse).toEqual(invalidRefresh);

    // 5. UserInfoClient.getUserInfo: the standard claims and the rule's claim; 401 for a bad token.
    expect(r.userInfo).toEqual({
      status: 200,
      data: {
        sub,
        email: EMAIL,
        email_verified: false,
        name: EMAIL,
        nickname: 'grace.hopper',
        picture: r.login.idToken.picture,
        updated_at: r.login.idToken.updated_at,
        [CLAIM]: 'blue',
      },
    });
    expect(r.tamperedToken).toEqual({
      name: 'UserInfoError',
      statusCode: 401,
      error: 'invalid_token',
      error_description: 'Invalid token',
      message: 'Invalid token',
      body: { error: 'invalid_token', error_description: 'Invalid token' },
    });

    // 6. Wrong password.
    expect(r.wrongPassword).toEqual({
      name: 'AuthApiError',
      statusCode: 403,
      error: 'invalid_grant',
      error_description: 'Wrong email or password.',
      message: 'Wrong email or password.',
      body: { error: 'invalid_grant', error_description: 'Wrong email or password.' },
    });

    // 7. The same email again: Auth0's signup error shape, which the SDK maps to error/description.
    expect(r.duplicateSignUp).toEqual({
      name: 'AuthApiError',
      statusCode: 400,
      error: 'invalid_signup',
      error_description: 'Invalid sign up',
      message: 'Invalid sign up',
      body: { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 },
    });

    // Control: reached under another name, the SDK refuses our ID token for its issuer.
    expect(r.wrongIssuer).toEqual({
      name: 'Error',
      message: `Issuer (iss) claim mismatch in the ID token; expected "https://127.0.0.1:${tlsPort}/", found "${issuer}"`,
    });

    // The SDK fetched our JWKS to verify the signatures, over the public https domain.
    const requests = service.proxy.requests.map((q) => `${q.method} ${q.url.split('?')[0]} ${q.status}`);
    expect(requests).toContain('GET /.well-known/jwks.json 200');
    expect(requests).toEqual(
      expect.arrayContaining(['POST /dbconnections/signup 200', 'POST /api/v2/rules 201', 'POST /oauth/token 200', 'GET /userinfo 200', 'POST /dbconnections/signup 400']),
    );
  });

  // Auth0 also issues opaque /userinfo tokens, so a value that is not a JWT is a 401 there, as any bad token.
  it('answers 401 at /userinfo for a bearer value that is not a JWT', () => {
    expect(sdkFailure).toBe('');
    expect(r.nonJwtToken).toMatchObject({ statusCode: 401 });
  });
});
