import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { localClient } from '#infra/local/dynamodb-local';
import { tableName } from '#shared/db/client';
import { call } from '#test/support/api';
import { managementToken } from '#test/support/tokens';
import { seedUser } from '#test/support/users';

/**
 * An unexpected fault (here: the table vanishes) answers a 500 with a fixed message and the
 * request id, and nothing of the cause. This file destroys its own table, so it stands alone.
 */
const REFERENCE = /^An internal error occurred\. Reference: [0-9a-f-]{36}$/;
const LEAKS = /dynamo|ResourceNotFound|non-existent table|Cannot do operations|test-[0-9a-f]{12}|stack|\.ts\b/i;

describe('unexpected faults', () => {
  it('answer 500 with a fixed message and a reference, never the cause', async () => {
    // Before the table goes: mint the token (needs the private key) and make one verified
    // request, so the public keys are cached and verification no longer reads the table.
    const token = await managementToken({ scopes: ['read:users'] });
    const user = await seedUser();
    const ok = await call('users-get', { params: { id: user.user_id }, token });
    expect(ok.status, ok.text).toBe(200);

    const endpoint = process.env.DYNAMODB_ENDPOINT;
    if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set');
    await localClient(endpoint).send(new DeleteTableCommand({ TableName: tableName }));

    const res = await call('users-get', { params: { id: user.user_id }, token });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: expect.stringMatching(REFERENCE),
      errorCode: 'server_error',
    });
    expect(Object.keys(res.body)).toEqual(['statusCode', 'error', 'message', 'errorCode']);
    expect(res.text).not.toMatch(LEAKS);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');

    // Each answer names its own request.
    const again = await call('users-get', { params: { id: user.user_id }, token });
    expect(again.status).toBe(500);
    expect(again.body.message).toMatch(REFERENCE);
    expect(again.body.message).not.toBe(res.body.message);

    // The token endpoint speaks OAuth's shape for the same fault.
    const oauth = await call('oauth-token', {
      rawBody: JSON.stringify({ grant_type: 'client_credentials', client_id: 'SomeClient', client_secret: 's', audience: 'x' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(oauth.status).toBe(500);
    expect(oauth.body).toEqual({ error: 'server_error', error_description: expect.stringMatching(REFERENCE) });
    expect(oauth.text).not.toMatch(LEAKS);
  });
});
