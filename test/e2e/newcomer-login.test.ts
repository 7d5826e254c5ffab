import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import { startService, type RunningService } from '#test/support/local-service';

/**
 * The Authentication API walk-through of the README, against a real `npm start`: a user signs up
 * with user_metadata, an Auth0 rule copies a metadata field into the ID token, the user logs in,
 * and /userinfo returns the claim.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'identity-e2e-login-'));
let service: RunningService | undefined;

afterAll(async () => {
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sign up, a rule, log in, /userinfo', () => {
  it('returns the rule’s metadata claim in the ID token and in /userinfo', async () => {
    const port = await freePort();
    const base = `http://localhost:${port}`;
    service = await startService({ PORT: String(port), DATA_DIR: dataDir });
    const bootstrap = JSON.parse(readFileSync(join(dataDir, 'bootstrap.json'), 'utf8')) as {
      management: { client_id: string; client_secret: string; audience: string };
      application: { client_id: string; client_secret: string };
      connection: string;
    };
    const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const { body: text, ...type } = json(body);
      return fetch(`${base}${path}`, { method: 'POST', headers: { ...type, ...headers }, body: text });
    };

    const signup = await post('/dbconnections/signup', {
      client_id: bootstrap.application.client_id, connection: bootstrap.connection,
      email: 'grace@example.com', password: 'Hopper-1906!', user_metadata: { favorite_color: 'blue' },
    });
    expect(signup.status).toBe(200);
    expect(await signup.json()).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), email_verified: false, email: 'grace@example.com', user_metadata: { favorite_color: 'blue' } });

    const token = await post('/oauth/token', {
      grant_type: 'client_credentials', client_id: bootstrap.management.client_id,
      client_secret: bootstrap.management.client_secret, audience: bootstrap.management.audience,
    });
    const { access_token: management } = (await token.json()) as { access_token: string };
    const rule = await post('/api/v2/rules', {
      name: 'add-metadata-to-id-token',
      script: "function (user, context, callback) { context.idToken['https://myapp.example.com/favorite_color'] = user.user_metadata.favorite_color; callback(null, user, context); }",
    }, { authorization: `Bearer ${management}` });
    expect(rule.status).toBe(201);

    const login = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'http://auth0.com/oauth/grant-type/password-realm', realm: bootstrap.connection,
        username: 'grace@example.com', password: 'Hopper-1906!', scope: 'openid profile email',
        client_id: bootstrap.application.client_id, client_secret: bootstrap.application.client_secret,
      }),
    });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { id_token: string; access_token: string };
    const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(idClaims['https://myapp.example.com/favorite_color']).toBe('blue');

    const info = await fetch(`${base}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ email: 'grace@example.com', 'https://myapp.example.com/favorite_color': 'blue' });
  });
});
