import { decodeProtectedHeader, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { SIGNING_KEYS_PK } from '#shared/db/keys';
import { currentSigner } from '#shared/authentication/tokens/current-signer';
import { call } from '#test/support/api';
import { login, PASSWORD, seedApplication, seedLoginUser } from '#test/support/logins';
import { managementToken } from '#test/support/tokens';

/**
 * POST /keys/signing/rotate and PUT /keys/signing/{kid}/revoke: the next key becomes current at
 * once for new tokens, tokens of the previous key verify until it is revoked, and then neither
 * the Management API nor /userinfo accepts them. Only a previous key can be revoked.
 */
const ROTATE = ['create:signing_keys', 'update:signing_keys'];
const REVOKE = ['update:signing_keys'];
const READ = ['read:signing_keys'];
const INVALID_TOKEN = { statusCode: 401, error: 'Unauthorized', message: 'Invalid token', errorCode: 'invalid_token', attributes: { error: 'Invalid token' } };

const list = async () => (await call('signing-keys-list', { scopes: READ })).body as Record<string, any>[];
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const usersList = (token: string) => call('users-list', { token });

async function signingKeyItems(): Promise<Record<string, unknown>[]> {
  const out = await db.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

let app: { client_id: string; client_secret: string };
beforeAll(async () => {
  app = await seedApplication();
});

afterEach(() => {
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
});

describe('rotation then revocation', () => {
  it('makes the next key current for new tokens at once; old tokens verify until their key is revoked', async () => {
    const [current, next] = await list();
    const oldToken = await managementToken({ scopes: ['read:users'] });
    expect(kidOf(oldToken)).toBe(current!.kid);
    const user = await seedLoginUser();
    const oldLogin = await login(app, { username: user.email, password: PASSWORD, scope: 'openid' });
    expect(oldLogin.status, oldLogin.text).toBe(200);

    const rotated = await call('signing-keys-rotate', { scopes: ROTATE });
    expect(rotated.status, rotated.text).toBe(201);
    // Auth0 answers the key that became current (go-auth0's TestSigningKey/Rotate recording).
    expect(rotated.body).toMatchObject({ kid: next!.kid, cert: next!.cert, current: true, next: false, previous: false, revoked: false });
    expect(rotated.body.current_since).toEqual(expect.any(String));

    const after = await list();
    expect(after.map((k) => [k.kid, k.current, k.next, k.previous])).toEqual([
      [next!.kid, true, false, false],
      [after[1]!.kid, false, true, false],
      [current!.kid, false, false, true],
    ]);
    expect(after[1]!.kid).not.toBe(current!.kid);
    expect(after[2]!.current_until).toBe(rotated.body.current_since);

    // New tokens carry the new kid at once (this process cleared its signer cache).
    expect((await currentSigner()).kid).toBe(next!.kid);
    const newLogin = await login(app, { username: user.email, password: PASSWORD, scope: 'openid' });
    expect(kidOf(newLogin.body.access_token)).toBe(next!.kid);
    expect(kidOf(newLogin.body.id_token)).toBe(next!.kid);
    const newToken = await managementToken({ scopes: ['read:users'] });
    expect(kidOf(newToken)).toBe(next!.kid);

    // JWKS: current, next and previous.
    const jwks = await call<{ keys: JWK[] }>('jwks');
    expect(jwks.body.keys.map((k) => k.kid)).toEqual(after.map((k) => k.kid));

    // Both generations verify.
    expect((await usersList(oldToken)).status).toBe(200);
    expect((await usersList(newToken)).status).toBe(200);
    expect((await call('userinfo', { headers: { authorization: `Bearer ${oldLogin.body.access_token}` } })).status).toBe(200);

    const revoked = await call('signing-keys-revoke', { params: { kid: current!.kid }, scopes: REVOKE });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toMatchObject({ kid: current!.kid, cert: current!.cert, current: false, next: false, previous: false, revoked: true });
    expect(revoked.body.revoked_at).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));

    // Refused at once in this process, by the Management API and by /userinfo.
    const refused = await usersList(oldToken);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(INVALID_TOKEN);
    const info = await call('userinfo', { headers: { authorization: `Bearer ${oldLogin.body.access_token}` } });
    expect(info.status, info.text).toBe(401);
    expect((await usersList(newToken)).status).toBe(200);
    expect((await call('userinfo', { headers: { authorization: `Bearer ${newLogin.body.access_token}` } })).status).toBe(200);

    // Gone from JWKS, kept in the list as revoked.
    const published = await call<{ keys: JWK[] }>('jwks');
    expect(published.body.keys.map((k) => k.kid)).toEqual([next!.kid, after[1]!.kid]);
    const final = await list();
    expect(final.at(-1)).toEqual(revoked.body);
  });

  it('keeps every previous key verifying until each is revoked, newest first', async () => {
    const first = (await list())[0]!;
    const t1 = await managementToken({ scopes: ['read:users'] });
    expect((await call('signing-keys-rotate', { scopes: ROTATE })).status).toBe(201);
    const t2 = await managementToken({ scopes: ['read:users'] });
    expect((await call('signing-keys-rotate', { scopes: ROTATE })).status).toBe(201);
    const keys = await list();
    const previous = keys.filter((k) => k.previous);
    expect(previous.map((k) => k.kid)).toEqual([kidOf(t2), first.kid]);
    for (const token of [t1, t2]) expect((await usersList(token)).status).toBe(200);
  });
});

describe('revocation rules', () => {
  it('refuses the current and the next key (400), an unknown kid (404), and a second revocation (400)', async () => {
    const keys = await list();
    const current = keys.find((k) => k.current)!;
    const next = keys.find((k) => k.next)!;
    const revoke = (kid: string) => call('signing-keys-revoke', { params: { kid }, scopes: REVOKE });
    const body = (why: string) => ({
      statusCode: 400, error: 'Bad Request', message: `Only a previously used signing key can be revoked: ${why}.`, errorCode: 'invalid_signing_key_state',
    });
    expect(await revoke(current.kid)).toMatchObject({ status: 400, body: body('it is the current key; rotate first, then revoke it as the previous key') });
    expect(await revoke(next.kid)).toMatchObject({ status: 400, body: body('it is the next key, which has never signed') });
    expect(await revoke('no-such-kid')).toMatchObject({
      status: 404, body: { statusCode: 404, error: 'Not Found', message: 'The signing key does not exist.', errorCode: 'inexistent_signing_key' },
    });
    const previous = keys.find((k) => k.previous && !k.revoked);
    expect(previous).toBeDefined();
    expect((await revoke(previous!.kid)).status).toBe(200);
    expect(await revoke(previous!.kid)).toMatchObject({ status: 400, body: body('it is already revoked') });
    // The refused revocations changed nothing.
    const after = await list();
    expect(after.find((k) => k.kid === current.kid)).toEqual(current);
    expect(after.find((k) => k.kid === next.kid)).toEqual(next);
  });

  it('answers 400 for hostile kids before any read, 403 without update:signing_keys, 401 without a token', async () => {
    for (const kid of ['<script>', 'A'.repeat(65), 'x\u200b', '%00']) {
      const res = await call('signing-keys-revoke', { params: { kid }, scopes: REVOKE });
      expect(res.status, kid).toBe(400);
      expect(res.body.errorCode).toBe('invalid_uri');
    }
    const { kid } = await currentSigner();
    const forbidden = await call('signing-keys-revoke', { params: { kid }, scopes: ['read:signing_keys', 'create:signing_keys'] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toBe('Insufficient scope, expected any of: update:signing_keys');
    expect((await call('signing-keys-revoke', { params: { kid } })).status).toBe(401);
  });
});

describe('POST /api/v2/keys/signing/rotate', () => {
  it('accepts no body, {} and null (the SDKs send these), and refuses any field', async () => {
    expect((await call('signing-keys-rotate', { scopes: ROTATE })).status).toBe(201);
    expect((await call('signing-keys-rotate', { scopes: ROTATE, body: {} })).status).toBe(201);
    expect((await call('signing-keys-rotate', { scopes: ROTATE, rawBody: 'null', headers: { 'content-type': 'application/json' } })).status).toBe(201);
    const res = await call('signing-keys-rotate', { scopes: ROTATE, body: { kid: 'mine', __proto__: { current: true } } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    expect(res.body.message).toContain('kid');
  });

  it('needs both create:signing_keys and update:signing_keys (403 with either alone), and a token (401)', async () => {
    for (const scopes of [['read:signing_keys'], ['update:signing_keys'], ['create:signing_keys']]) {
      const forbidden = await call('signing-keys-rotate', { scopes });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({
        statusCode: 403, error: 'Forbidden', errorCode: 'insufficient_scope',
        message: 'Insufficient scope, expected all of: create:signing_keys,update:signing_keys',
      });
    }
    expect((await call('signing-keys-rotate', { scopes: ROTATE })).status).toBe(201);
    expect((await call('signing-keys-rotate')).status).toBe(401);
  });

  it('leaves exactly one current and one next key when two rotations race', async () => {
    const results = await Promise.all([1, 2, 3].map(() => call('signing-keys-rotate', { scopes: ROTATE })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toContain(201);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body).toEqual({
        statusCode: 409, error: 'Conflict', errorCode: 'concurrent_update',
        message: 'The signing keys were changed by another request while this one was applied; try again.',
      });
    }
    const items = await signingKeyItems();
    expect(items.filter((i) => i.current === true)).toHaveLength(1);
    expect(items.filter((i) => i.next === true)).toHaveLength(1);
    const current = items.find((i) => i.current === true)!;
    expect(current.next_kid).toBe(items.find((i) => i.next === true)!.kid);
    // No key but the current and the next one holds a private half (local table keys).
    expect(items.filter((i) => 'privateJwk' in i).map((i) => i.kid).sort()).toEqual([current.kid, current.next_kid].sort());
  });

  it('answers 500 in a Lambda the stack did not give SIGNING_KEY_KMS_TAG: no table key is made there, and the log says why', async () => {
    const before = await signingKeyItems();
    const token = await managementToken({ scopes: ROTATE }); // minted before: a Lambda here may not sign
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'IdentityService-SigningKeysRotateFunction';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const res = await call('signing-keys-rotate', { token });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error', errorCode: 'server_error' });
      const logged = stderr.mock.calls.map(([line]) => String(line)).join('');
      expect(logged).toContain('"name":"SigningKeyMakerUnavailableError"');
      expect(logged).toContain('This function may not make or retire signing keys: in AWS only the rotate and revoke functions do, in KMS, with SIGNING_KEY_KMS_TAG');
    } finally {
      stderr.mockRestore();
    }
    expect(await signingKeyItems()).toEqual(before);
  });
});
