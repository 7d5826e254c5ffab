import { setTimeout as sleep } from 'node:timers/promises';
import { CreateKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { KeyMaker } from '#shared/tenant/signing-keys/key-makers';
import { isAccessDenied, KmsAccessDeniedError, kmsPublicKey, kmsSign, type KmsClient } from '#shared/tenant/signing-keys/kms-keys';

/** The tag that marks the keys rotation made for a stack; the stack's IAM conditions name it. */
export const SIGNING_KEY_TAG = 'identity-service:signing-key';
/** KMS's shortest waiting period before a scheduled deletion. */
export const DELETION_WINDOW_DAYS = 7;

/**
 * The key just made is read and signed with under IAM grants conditioned on its tag. KMS says tag
 * changes can take up to five minutes to count for authorization; whether a tag given at CreateKey
 * counts at once is not documented. So an AccessDenied on the new key is retried a few times
 * (about 6 s in all, inside the function's 10 s) before the rotation gives up.
 */
const SETTLE_DELAYS_MS = [250, 500, 1_000, 2_000, 2_000];

export interface KmsKeyMakerOptions {
  /** The tag value: the stack's name. */
  stack: string;
  /** A key policy for new keys; unset, KMS's default (the account root: IAM policies grant use). */
  policy?: string;
  /** Waits before retrying a refused call on the new key (tests pass []). */
  settleDelaysMs?: readonly number[];
}

async function settled<T>(call: () => Promise<T>, delays: readonly number[]): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isAccessDenied(error) || attempt >= delays.length) throw error;
      await sleep(delays[attempt]);
    }
  }
}

/** An AccessDenied on the new key becomes a KmsAccessDeniedError naming the key left behind. */
async function onNewKey<T>(action: string, arn: string, call: () => Promise<T>, delays: readonly number[]): Promise<T> {
  try {
    return await settled(call, delays);
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    throw new KmsAccessDeniedError(action, arn, `the key was made but is not registered; schedule its deletion (docs/signing-keys.md)`);
  }
}

/**
 * New keys made in KMS (CreateKey RSA_2048/SIGN_VERIFY, tagged SIGNING_KEY_TAG=`stack`), their
 * public half read and their certificate signed through KMS; a revoked key that rotation made for
 * this stack is scheduled for deletion after KMS's shortest waiting period (7 days).
 */
export function kmsKeyMaker(client: KmsClient, options: KmsKeyMakerOptions): KeyMaker {
  const delays = options.settleDelaysMs ?? SETTLE_DELAYS_MS;
  return {
    kind: 'kms',
    async create() {
      let created;
      try {
        created = await client.send(
          new CreateKeyCommand({
            KeySpec: 'RSA_2048',
            KeyUsage: 'SIGN_VERIFY',
            Description: 'Signs the identity service tokens (RS256); made by signing key rotation',
            Tags: [{ TagKey: SIGNING_KEY_TAG, TagValue: options.stack }],
            ...(options.policy ? { Policy: options.policy } : {}),
          }),
        );
      } catch (error) {
        if (!isAccessDenied(error)) throw error;
        const what = `this function may not make signing keys tagged ${SIGNING_KEY_TAG}=${options.stack} (the stack grants kms:CreateKey and kms:TagResource to the rotate function only); nothing was made`;
        throw new KmsAccessDeniedError('kms:CreateKey', undefined, what);
      }
      const arn = created.KeyMetadata?.Arn;
      if (!arn) throw new Error('KMS CreateKey returned no key ARN');
      const { keyId, kid, publicJwk } = await onNewKey('kms:GetPublicKey', arn, () => kmsPublicKey(client, arn), delays);
      const sign = kmsSign(client, keyId);
      return {
        kid,
        publicJwk,
        kms_key_id: keyId,
        kms_key_stack: options.stack,
        sign: (input) => onNewKey('kms:Sign', keyId, () => sign(input), delays),
      };
    },
    async retire(record) {
      // Only keys rotation made for this stack carry its tag; the stack's own key (registered by
      // the seed) belongs to the stack, which retains it.
      if (!record.kms_key_id || record.kms_key_stack !== options.stack) return;
      try {
        await client.send(new ScheduleKeyDeletionCommand({ KeyId: record.kms_key_id, PendingWindowInDays: DELETION_WINDOW_DAYS }));
      } catch (error) {
        if (!isAccessDenied(error)) throw error;
        const what = 'the stack grants kms:ScheduleKeyDeletion on keys tagged for it to the revoke function only';
        throw new KmsAccessDeniedError('kms:ScheduleKeyDeletion', record.kms_key_id, what);
      }
    },
  };
}
