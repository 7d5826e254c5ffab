import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '#shared/tenant/clients';
import { managementAudience } from '#shared/platform/config';
import { call } from '#test/support/api';

/**
 * /oauth/token inside Lambda without SIGNING_KEY_KMS_ID (a function the stack did not flag as
 * issuing tokens, or a hand-made deployment): it refuses to sign, though the table still holds a
 * private key here, and the caller gets Auth0's fixed 500 while the log says why.
 */
let client: { id: string; secret: string };

beforeAll(async () => {
  const created = await createClient({
    name: 'Machine', app_type: 'non_interactive', grant_types: ['client_credentials'],
    grants: [{ audience: managementAudience, scope: ['read:users'] }],
  });
  client = { id: created.client.client_id, secret: created.client_secret };
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'IdentityService-OauthTokenFunction';
});

afterAll(() => {
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
});

describe('signing in Lambda without the KMS key', () => {
  it('answers 500 server_error and never signs with the table key', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const res = await call('oauth-token', {
        rawBody: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, audience: managementAudience }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status, res.text).toBe(500);
      expect(res.body).toEqual({ error: 'server_error', error_description: expect.stringMatching(/^An internal error occurred\. Reference: [0-9a-f-]{36}$/) });
      const logged = stderr.mock.calls.map(([line]) => String(line)).join('');
      expect(logged).toContain('"name":"SigningKeyUnavailableError"');
      expect(logged).toContain('This function may not sign tokens: in AWS only the token-issuing functions sign');
      expect(logged).not.toContain(client.secret);
    } finally {
      stderr.mockRestore();
    }
  });
});
