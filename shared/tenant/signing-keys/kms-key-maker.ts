import { CreateKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { KeyMaker } from '#shared/tenant/signing-keys/key-makers';
import { kmsPublicKey, kmsSign, type KmsClient } from '#shared/tenant/signing-keys/kms-keys';

/** The tag that marks the keys this stack made and may sign with (the IAM conditions would name it). */
export const SIGNING_KEY_TAG = 'identity-service:signing-key';

/**
 * New keys made in KMS (CreateKey RSA_2048/SIGN_VERIFY, tagged SIGNING_KEY_TAG=`stack`, with the
 * key policy `policy` when given), their certificate signed through KMS; a revoked key is
 * scheduled for deletion after KMS's shortest waiting period (7 days).
 */
export function kmsKeyMaker(client: KmsClient, options: { stack: string; policy?: string }): KeyMaker {
  return {
    kind: 'kms',
    async create() {
      const created = await client.send(
        new CreateKeyCommand({
          KeySpec: 'RSA_2048',
          KeyUsage: 'SIGN_VERIFY',
          Description: 'Signs the identity service tokens (RS256); made by signing key rotation',
          Tags: [{ TagKey: SIGNING_KEY_TAG, TagValue: options.stack }],
          ...(options.policy ? { Policy: options.policy } : {}),
        }),
      );
      const arn = created.KeyMetadata?.Arn;
      if (!arn) throw new Error('KMS CreateKey returned no key ARN');
      const { keyId, kid, publicJwk } = await kmsPublicKey(client, arn);
      return { kid, publicJwk, kms_key_id: keyId, sign: kmsSign(client, keyId) };
    },
    async retire(record) {
      if (record.kms_key_id) await client.send(new ScheduleKeyDeletionCommand({ KeyId: record.kms_key_id, PendingWindowInDays: 7 }));
    },
  };
}
