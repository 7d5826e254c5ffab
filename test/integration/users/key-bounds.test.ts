import { describe, expect, it } from 'vitest';
import { managementAudience } from '#shared/platform/config';
import { call } from '#test/support/api';

/** Values that become part of a DynamoDB key are bounded, so no input can reach its 2 KB key limit (a 500). */
describe('inputs that become keys', () => {
  it('refuses a user id over 512 characters in the path', async () => {
    const res = await call('users-get', { scopes: ['read:users'], params: { id: `auth0|${'x'.repeat(3000)}` } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', errorCode: 'invalid_uri',
      message: "Path validation error: 'String is too long (3006 chars), maximum 512' on property id (ID of the user).",
    });
    for (const route of ['users-update', 'users-delete'] as const) {
      const other = await call(route, { scopes: ['update:users', 'delete:users'], params: { id: 'x'.repeat(513) }, body: {} });
      expect(other.status).toBe(400);
      expect(other.body.errorCode).toBe('invalid_uri');
    }
  });

  it('refuses a connection name over 128 characters', async () => {
    const res = await call('users-create', { scopes: ['create:users'], body: { connection: 'c'.repeat(3000), email: 'a@example.com', password: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Payload validation error: 'String is too long (3000 chars), maximum 128' on property connection (The connection the user belongs to).");
  });

  it('refuses an email that is not one in users-by-email, in Auth0\'s words', async () => {
    const long = `${'x'.repeat(3000)}@example.com`;
    const res = await call('users-by-email', { scopes: ['read:users'], query: { email: long } });
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('invalid_query_string');
    const bad = await call('users-by-email', { scopes: ['read:users'], query: { email: 'not-an-email' } });
    expect(bad.body.message).toBe(
      "Query validation error: 'Object didn't pass validation for format email: not-an-email' on property email (Email address to search for (case-sensitive)).",
    );
  });

  it('answers an over-long client_id as an unknown client', async () => {
    const res = await call('oauth-token', {
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ grant_type: 'client_credentials', client_id: 'c'.repeat(3000), client_secret: 'x', audience: managementAudience }),
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  });
});
