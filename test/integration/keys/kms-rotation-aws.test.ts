import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tenantChanged } from '#shared/platform/cache';
import { config, managementAudience } from '#shared/platform/config';
import { db, tableName } from '#shared/db/client';
import { SIGNING_KEYS_PK } from '#shared/db/keys';
import { findCurrentSigningKey } from '#shared/db/signing-keys-repo';
import { registerKmsSigningKey } from '#shared/authentication/tokens/kms-signing-key';
import { createClient } from '#shared/tenant/clients';
import { kmsKeyMaker, SIGNING_KEY_TAG } from '#shared/tenant/signing-keys/kms-key-maker';
import { rotateSigningKey } from '#shared/tenant/signing-keys/lifecycle';
import { call } from '#test/support/api';
import { KmsStandIn } from '#test/support/kms-stand-in';
import { managementToken } from '#test/support/tokens';

/**
 * Rotation and revocation as the stack runs them in AWS, through the route table: the functions
 * run "in Lambda" with the configuration CDK gives them (SIGNING_KEY_KMS_ID for the token
 * function, SIGNING_KEY_KMS_TAG for rotate and revoke), and every KMSClient the service makes
 * sends to a stand-in for AWS KMS (KMS itself is replaced, never our storage: DynamoDB Local).
 * IAM is not emulated; the grants are asserted on the template (test/infra/stack.test.ts) and a
 * refused call is played by the stand-in answering AccessDeniedException.
 */
const standIn = vi.hoisted(() => ({ kms: undefined as unknown as { send(command: unknown): Promise<unknown> } }));
vi.mock('@aws-sdk/client-kms', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@aws-sdk/client-kms')>();
  class KMSClient {
    send(command: unknown) {
      return standIn.kms.send(command);
    }
  }
  return { ...actual, KMSClient };
});

const kms = new KmsStandIn();
standIn.kms = kms;
const stackKey = kms.createKey(); // the stack's own key (infra/stack.ts), registered by the seed
const STACK = 'IdentityService';
const ROTATE = ['create:signing_keys', 'update:signing_keys'];
const REVOKE = ['update:signing_keys'];
const saved = { id: config.SIGNING_KEY_KMS_ID, tag: config.SIGNING_KEY_KMS_TAG };
let app: { id: string; secret: string };

async function signingKeyItems(): Promise<Record<string, unknown>[]> {
  const out = await db.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

/** A client_credentials token from /oauth/token, as an M2M application gets one. */
async function m2mToken(): Promise<string> {
  const res = await call<{ access_token: string }>('oauth-token', {
    rawBody: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.id, client_secret: app.secret, audience: managementAudience }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.access_token;
}

/** Verified as any relying party would: jose, through the JWKS the service publishes. */
async function verifiedKid(token: string): Promise<string> {
  const jwks = await call<JSONWebKeySet>('jwks');
  const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks.body), { issuer: config.ISSUER, audience: managementAudience });
  return protectedHeader.kid!;
}

function capturedLog(): { text: () => string; restore: () => void } {
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { text: () => stderr.mock.calls.map(([line]) => String(line)).join(''), restore: () => stderr.mockRestore() };
}

beforeAll(async () => {
  await registerKmsSigningKey(kms as never, stackKey.arn); // `npm run seed` after `cdk deploy`
  Object.assign(config, { SIGNING_KEY_KMS_ID: stackKey.arn, SIGNING_KEY_KMS_TAG: STACK });
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'IdentityService-SigningKeysRotateFunction';
  tenantChanged();
  const created = await createClient({
    name: 'Machine', app_type: 'non_interactive', grant_types: ['client_credentials'],
    grants: [{ audience: managementAudience, scope: ['read:users'] }],
  });
  app = { id: created.client.client_id, secret: created.client_secret };
});

afterAll(() => {
  Object.assign(config, { SIGNING_KEY_KMS_ID: saved.id, SIGNING_KEY_KMS_TAG: saved.tag });
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  tenantChanged();
});

describe('signing key rotation in AWS (KMS), through the routes', () => {
  let stackToken: string;
  let firstKms: { kid: string; arn: string };

  it('signs through the stack key until the first rotation', async () => {
    stackToken = await m2mToken();
    const current = await findCurrentSigningKey({ withPrivateKey: false });
    expect(current).toMatchObject({ kms_key_id: stackKey.arn });
    expect(current).not.toHaveProperty('kms_key_stack');
    expect(await verifiedKid(stackToken)).toBe(current!.kid);
    expect(kms.signRequests.at(-1)?.KeyId).toBe(stackKey.arn);
  });

  it('rotates to a new KMS key: tagged for the stack, certified through kms:Sign, signing the next tokens, which verify through JWKS', async () => {
    const res = await call('signing-keys-rotate', { scopes: ROTATE });
    expect(res.status, res.text).toBe(201);
    // The seed left no next key: rotation made one, promoted it, and made the next after it.
    expect(kms.createRequests).toHaveLength(2);
    for (const input of kms.createRequests) {
      expect(input).toEqual({
        KeySpec: 'RSA_2048',
        KeyUsage: 'SIGN_VERIFY',
        Description: 'Signs the identity service tokens (RS256); made by signing key rotation',
        Tags: [{ TagKey: SIGNING_KEY_TAG, TagValue: STACK }],
      });
    }
    const current = await findCurrentSigningKey({ withPrivateKey: false });
    expect(res.body).toMatchObject({ kid: current!.kid, current: true, cert: expect.any(String), thumbprint: expect.any(String) });
    expect(current).toMatchObject({ kms_key_stack: STACK, kms_key_id: expect.stringMatching(/^arn:aws:kms:/) });
    expect(current!.kms_key_id).not.toBe(stackKey.arn);
    expect(kms.tags.get(current!.kms_key_id!)).toEqual({ [SIGNING_KEY_TAG]: STACK });
    firstKms = { kid: current!.kid, arn: current!.kms_key_id! };

    // The token function follows the record (not SIGNING_KEY_KMS_ID, which still names the stack key).
    const token = await m2mToken();
    expect(decodeProtectedHeader(token).kid).toBe(firstKms.kid);
    expect(kms.signRequests.at(-1)?.KeyId).toBe(firstKms.arn);
    expect(await verifiedKid(token)).toBe(firstKms.kid);
    expect((await call('users-list', { token })).status).toBe(200);
    // The stack key's tokens verify until it is revoked.
    expect(await verifiedKid(stackToken)).toBe(decodeProtectedHeader(stackToken).kid);
    expect((await call('users-list', { token: stackToken })).status).toBe(200);
  });

  it('keeps the rotated keys when the seed runs again after a deploy (SIGNING_KEY_KMS_ID names the stack key)', async () => {
    const before = await signingKeyItems();
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await registerKmsSigningKey(kms as never, stackKey.arn);
      expect(logSpy).toHaveBeenCalledWith(expect.stringContaining(`KMS key ${stackKey.arn} is registered and no longer current`));
    } finally {
      logSpy.mockRestore();
    }
    expect(await signingKeyItems()).toEqual(before);
  });

  it("revokes the stack's own key without deleting it in KMS (the stack retains it)", async () => {
    const res = await call('signing-keys-revoke', { params: { kid: decodeProtectedHeader(stackToken).kid! }, scopes: REVOKE });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ revoked: true });
    expect(kms.deletions.size).toBe(0);
    expect((await call('users-list', { token: stackToken })).status).toBe(401);
  });

  it('revokes a key rotation made: its tokens are refused and its KMS key is scheduled for deletion (7 days)', async () => {
    const firstToken = await m2mToken();
    expect((await call('signing-keys-rotate', { scopes: ROTATE })).status).toBe(201);
    const res = await call('signing-keys-revoke', { params: { kid: firstKms.kid }, scopes: REVOKE });
    expect(res.status, res.text).toBe(200);
    expect([...kms.deletions]).toEqual([[firstKms.arn, 7]]);
    expect((await call('users-list', { token: firstToken })).status).toBe(401);
    const jwks = await call<JSONWebKeySet>('jwks');
    expect(jwks.body.keys.map((k) => k.kid)).not.toContain(firstKms.kid);
    expect(await verifiedKid(await m2mToken())).toBe((await findCurrentSigningKey({ withPrivateKey: false }))!.kid);
  });

  it('answers 500 when the function may not kms:CreateKey, with the reason in the log, and changes nothing', async () => {
    const before = await signingKeyItems();
    const created = kms.createRequests.length;
    kms.refuse('CreateKey');
    const log = capturedLog();
    try {
      const res = await call('signing-keys-rotate', { scopes: ROTATE });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        statusCode: 500, error: 'Internal Server Error', errorCode: 'server_error',
        message: expect.stringMatching(/^An internal error occurred\. Reference: [0-9a-f-]{36}$/),
      });
      expect(log.text()).toContain('"name":"KmsAccessDeniedError"');
      expect(log.text()).toContain(`KMS refused kms:CreateKey (AccessDeniedException): this function may not make signing keys tagged ${SIGNING_KEY_TAG}=${STACK}`);
    } finally {
      log.restore();
      kms.refusals.clear();
    }
    expect(kms.createRequests).toHaveLength(created);
    expect(await signingKeyItems()).toEqual(before);
  });

  it('waits out a new key whose tag does not count yet (kms:Sign refused twice, then allowed)', async () => {
    const token = await managementToken({ scopes: ROTATE }); // signed first: the refusals are for the new key
    kms.refuse('Sign', 2);
    const res = await call('signing-keys-rotate', { token });
    expect(res.status, res.text).toBe(201);
    expect(kms.refusals.get('Sign')).toBe(0);
  });

  it('writes no key record when the new key cannot be certified (kms:Sign refused), and logs the KMS key left behind', async () => {
    const before = await signingKeyItems();
    kms.refuse('Sign');
    const log = capturedLog();
    try {
      const maker = kmsKeyMaker(kms as never, { stack: STACK, settleDelaysMs: [] });
      await expect(rotateSigningKey(maker)).rejects.toThrow(/^KMS refused kms:Sign on arn:aws:kms:.* the key was made but is not registered/);
      expect(log.text()).toContain('signing key made in KMS but not registered; schedule its deletion');
      expect(log.text()).toContain(`"kms_key_id":"${[...kms.keys.keys()].at(-1)}"`);
    } finally {
      log.restore();
      kms.refusals.clear();
    }
    expect(await signingKeyItems()).toEqual(before);
  });

  it('still revokes when kms:ScheduleKeyDeletion is refused, and logs the key whose deletion was not scheduled', async () => {
    const previous = (await signingKeyItems()).find((k) => k.current !== true && k.next !== true && k.revoked !== true && k.kms_key_stack === STACK);
    expect(previous).toBeDefined();
    kms.refuse('ScheduleKeyDeletion');
    const log = capturedLog();
    try {
      const res = await call('signing-keys-revoke', { params: { kid: previous!.kid as string }, scopes: REVOKE });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ kid: previous!.kid, revoked: true });
      expect(log.text()).toContain('signing key revoked, but its KMS key was not scheduled for deletion');
      expect(log.text()).toContain('KMS refused kms:ScheduleKeyDeletion');
    } finally {
      log.restore();
      kms.refusals.clear();
    }
    expect(kms.deletions.has(previous!.kms_key_id as string)).toBe(false);
  });
});
