import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '#shared/tenant/clients';
import { managementAudience } from '#shared/platform/config';
import { db, tableName } from '#shared/db/client';
import { clientGrantKey, clientKey } from '#shared/db/keys';
import { tenantChanged } from '#shared/platform/cache';
import { call, type CallResult } from '#test/support/api';

/**
 * POST /oauth/token with grant_type=client_credentials, through the route table: the success
 * body and token as Auth0 shapes them, both client authentication methods, and every refusal
 * with Auth0's `{error, error_description}` words.
 */
const ISSUER = 'https://tenant.example.test/';
const GRANTED = ['read:users', 'update:users'];

interface Machine {
  id: string;
  secret: string;
}
let machine: Machine;
let noManagementGrant: Machine;
let noClientCredentials: Machine;
let scopeless: Machine;

beforeAll(async () => {
  const create = async (name: string, grantTypes: string[], grants: { audience: string; scope: string[] }[]) => {
    const { client, client_secret } = await createClient({
      name,
      app_type: grantTypes.includes('client_credentials') ? 'non_interactive' : 'regular_web',
      grant_types: grantTypes,
      grants,
    });
    return { id: client.client_id, secret: client_secret };
  };
  machine = await create('Machine', ['client_credentials'], [{ audience: managementAudience, scope: GRANTED }]);
  noManagementGrant = await create('Machine without grant', ['client_credentials'], []);
  noClientCredentials = await create('Web app', ['authorization_code'], [{ audience: managementAudience, scope: GRANTED }]);
  scopeless = await create('Machine with an empty grant', ['client_credentials'], [{ audience: managementAudience, scope: [] }]);
});

function json(params: Record<string, string>, headers: Record<string, string> = {}): Promise<CallResult> {
  return call('oauth-token', { rawBody: JSON.stringify(params), headers: { 'content-type': 'application/json', ...headers } });
}

function form(params: Record<string, string>, headers: Record<string, string> = {}): Promise<CallResult> {
  return call('oauth-token', {
    rawBody: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

const post = (client: Machine, extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_id: client.id,
  client_secret: client.secret,
  audience: managementAudience,
  ...extra,
});

/** Header and payload exactly as serialised (JSON.parse keeps the key order). */
function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const part = (segment: string | undefined) => JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
  return { header: part(header), payload: part(payload) };
}

function expectTokenResponse(res: CallResult, scope: string) {
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ access_token: expect.any(String), scope, expires_in: 86400, token_type: 'Bearer' });
  expect(Object.keys(res.body)).toEqual(['access_token', 'scope', 'expires_in', 'token_type']);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
}

function expectOAuthError(res: CallResult, status: number, error: string, description: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toEqual({ error, error_description: description });
  expect(Object.keys(res.body)).toEqual(['error', 'error_description']);
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('POST /oauth/token (client_credentials): success', () => {
  it('answers 200 with Auth0’s body for a JSON body and client_secret_post', async () => {
    const res = await json(post(machine));
    expectTokenResponse(res, 'read:users update:users');
    expect(res.headers.pragma).toBe('no-cache');
  });

  it('accepts a form-encoded body', async () => {
    expectTokenResponse(await form(post(machine)), 'read:users update:users');
  });

  it('accepts client_secret_basic (Authorization: Basic base64(id:secret))', async () => {
    const res = await form(
      { grant_type: 'client_credentials', audience: managementAudience },
      { authorization: basic(machine.id, machine.secret) },
    );
    expectTokenResponse(res, 'read:users update:users');
  });

  it('accepts client_secret_basic alongside a matching client_id in the body', async () => {
    const res = await form(
      { grant_type: 'client_credentials', client_id: machine.id, audience: managementAudience },
      { authorization: basic(machine.id, machine.secret) },
    );
    expectTokenResponse(res, 'read:users update:users');
  });

  it('issues an RS256 JWT with Auth0’s header and claims, verifiable against the JWKS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await json(post(machine));
    expect(res.status, res.text).toBe(200);
    const token: string = res.body.access_token;
    const { header, payload } = decode(token);

    const jwks = await call<JSONWebKeySet>('jwks');
    expect(jwks.status).toBe(200);
    const kids = jwks.body.keys.map((k) => k.kid);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(Object.keys(header)).toEqual(['alg', 'typ', 'kid']);
    expect(kids).toContain(header.kid);

    expect(Object.keys(payload)).toEqual(['iss', 'sub', 'aud', 'iat', 'exp', 'scope', 'gty', 'azp']);
    expect(payload).toEqual({
      iss: ISSUER,
      sub: `${machine.id}@clients`,
      aud: managementAudience,
      iat: expect.any(Number),
      exp: expect.any(Number),
      scope: 'read:users update:users',
      gty: 'client-credentials',
      azp: machine.id,
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect((payload.exp as number) - (payload.iat as number)).toBe(86400);

    const verified = await jwtVerify(token, createLocalJWKSet(jwks.body), {
      algorithms: ['RS256'],
      issuer: ISSUER,
      audience: managementAudience,
    });
    expect(verified.payload.sub).toBe(`${machine.id}@clients`);
  });

  it('issues a token the Management API accepts, with its scopes enforced', async () => {
    const { body } = await json(post(machine));
    const token: string = body.access_token;

    const list = await call('users-list', { token });
    expect(list.status, list.text).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);

    const create = await call('users-create', { token, body: { connection: 'Username-Password-Authentication' } });
    expect(create.status).toBe(403);
    expect(create.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: create:users',
      errorCode: 'insufficient_scope',
    });
  });

  it('narrows the granted scopes to those requested in `scope`', async () => {
    const res = await json(post(machine, { scope: 'read:users' }));
    expectTokenResponse(res, 'read:users');
    expect(decode(res.body.access_token).payload.scope).toBe('read:users');
  });

  it('accepts a form content type with a charset parameter', async () => {
    const res = await call('oauth-token', {
      rawBody: new URLSearchParams(post(machine)).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expectTokenResponse(res, 'read:users update:users');
  });

  it('omits `scope` from the body and the token when the grant has no scopes', async () => {
    const res = await json(post(scopeless));
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(res.body).toEqual({ access_token: expect.any(String), expires_in: 86400, token_type: 'Bearer' });
    expect(Object.keys(decode(res.body.access_token).payload)).toEqual(['iss', 'sub', 'aud', 'iat', 'exp', 'gty', 'azp']);
  });

  it('stores only a SHA-256 digest of the secret, never the secret', async () => {
    const { Item: item } = await db.send(new GetCommand({ TableName: tableName, Key: clientKey(machine.id) }));
    expect(item).toBeDefined();
    expect(JSON.stringify(item)).not.toContain(machine.secret);
    expect(item).not.toHaveProperty('client_secret');
    expect(item?.client_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(item?.client_secret_hash).toBe(createHash('sha256').update(machine.secret, 'utf8').digest('hex'));
  });
});

describe('POST /oauth/token (client_credentials): client authentication', () => {
  it('answers 401 access_denied "Unauthorized" for a wrong secret', async () => {
    const res = await json(post(machine, { client_secret: `${machine.secret}x` }));
    expectOAuthError(res, 401, 'access_denied', 'Unauthorized');
  });

  it('answers 401 access_denied "Unauthorized" for a wrong secret sent with client_secret_basic', async () => {
    const res = await form(
      { grant_type: 'client_credentials', audience: managementAudience },
      { authorization: basic(machine.id, 'not-the-secret') },
    );
    expectOAuthError(res, 401, 'access_denied', 'Unauthorized');
  });

  it('answers the same 401 for an unknown client_id (no way to tell which part was wrong)', async () => {
    const res = await json(post({ id: 'NoSuchClient0000000000000000000', secret: machine.secret }));
    expectOAuthError(res, 401, 'access_denied', 'Unauthorized');
  });

  it('answers 401 when client_secret is missing', async () => {
    const { client_secret: _omit, ...params } = post(machine);
    expectOAuthError(await json(params), 401, 'access_denied', 'Unauthorized');
  });

  it('answers 400 invalid_request when client_id is missing', async () => {
    const { client_id: _omit, ...params } = post(machine);
    expectOAuthError(await json(params), 400, 'invalid_request', 'Missing required parameter: client_id');
  });

  it('answers 400 invalid_request when both client_secret_basic and client_secret_post are used', async () => {
    const res = await form(post(machine), { authorization: basic(machine.id, machine.secret) });
    expectOAuthError(
      res,
      400,
      'invalid_request',
      'Client authentication must use only one method (client_secret_basic or client_secret_post)',
    );
  });

  it('answers 400 invalid_request when the body client_id differs from the Basic one', async () => {
    const res = await form(
      { grant_type: 'client_credentials', client_id: noManagementGrant.id, audience: managementAudience },
      { authorization: basic(machine.id, machine.secret) },
    );
    expectOAuthError(res, 400, 'invalid_request', 'client_id in the body does not match the Authorization header');
  });
});

describe('POST /oauth/token (client_credentials): request refusals', () => {
  it('answers 400 invalid_request when grant_type is missing', async () => {
    const { grant_type: _omit, ...params } = post(machine);
    expectOAuthError(await json(params), 400, 'invalid_request', 'Missing required parameter: grant_type');
  });

  it('answers 400 unsupported_grant_type for an unknown grant', async () => {
    expectOAuthError(await json(post(machine, { grant_type: 'foo' })), 400, 'unsupported_grant_type', 'Unsupported grant type: foo');
  });

  it.each(['__proto__', 'constructor', 'toString'])('does not treat the inherited property %s as a grant', async (grant) => {
    const res = await json(post(machine, { grant_type: grant }));
    expectOAuthError(res, 400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
  });

  it('answers 403 access_denied without an audience', async () => {
    const { audience: _omit, ...params } = post(machine);
    expectOAuthError(await json(params), 403, 'access_denied', 'Non-global clients are not allowed access to APIv1');
  });

  it('answers 403 access_denied for an unknown audience', async () => {
    const res = await json(post(machine, { audience: 'https://other.example/' }));
    expectOAuthError(res, 403, 'access_denied', 'Service not found: https://other.example/');
  });

  it('answers 403 for an over-long audience, which never reaches a key (DynamoDB: 1,024 bytes)', async () => {
    const audience = '一'.repeat(590);
    expectOAuthError(await json(post(machine, { audience })), 403, 'access_denied', `Service not found: ${audience}`);
  });

  it('does not let a grant with subject_type "user" authorise client_credentials', async () => {
    const { client, client_secret } = await createClient({
      name: 'Machine with a user-access grant',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      grants: [{ audience: managementAudience, scope: GRANTED }],
    });
    // Such a grant cannot be made through the API any more (400); one stored anyway is not a client grant.
    await db.send(new UpdateCommand({ TableName: tableName, Key: clientGrantKey(client.client_id, managementAudience), UpdateExpression: 'SET subject_type = :user', ExpressionAttributeValues: { ':user': 'user' } }));
    tenantChanged();
    const res = await json(post({ id: client.client_id, secret: client_secret }));
    expectOAuthError(
      res,
      403,
      'access_denied',
      'Client is not authorized to access "https://tenant.example.test/api/v2/". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants',
    );
  });

  it('answers 403 access_denied for a client without a grant for the Management API', async () => {
    const res = await json(post(noManagementGrant));
    expectOAuthError(
      res,
      403,
      'access_denied',
      'Client is not authorized to access "https://tenant.example.test/api/v2/". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants',
    );
  });

  it('refuses a requested scope outside the grant (Auth0: 403 "Client has not been granted scopes")', async () => {
    const res = await json(post(machine, { scope: 'read:users delete:users' }));
    expectOAuthError(res, 403, 'access_denied', 'Client has not been granted scopes: delete:users');
  });

  it('answers 403 unauthorized_client for a client whose grant_types lack client_credentials', async () => {
    const res = await json(post(noClientCredentials));
    expectOAuthError(res, 403, 'unauthorized_client', "Grant type 'client_credentials' not allowed for the client.");
  });

  it('answers 400 invalid_request for a content type other than JSON or form', async () => {
    const res = await call('oauth-token', { rawBody: JSON.stringify(post(machine)), headers: { 'content-type': 'text/plain' } });
    expectOAuthError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded or application/json');
  });

  it('answers 400 invalid_request for malformed JSON', async () => {
    const res = await call('oauth-token', { rawBody: '{"grant_type":', headers: { 'content-type': 'application/json' } });
    expectOAuthError(res, 400, 'invalid_request', 'The request body is not valid JSON');
  });

  it('answers 400 invalid_request for a non-string JSON parameter', async () => {
    const res = await call('oauth-token', {
      rawBody: JSON.stringify({ ...post(machine), audience: [managementAudience] }),
      headers: { 'content-type': 'application/json' },
    });
    expectOAuthError(res, 400, 'invalid_request', 'Invalid value for parameter: audience (expected a string)');
  });
});
