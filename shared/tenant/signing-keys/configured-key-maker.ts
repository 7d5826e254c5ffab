import { KMSClient } from '@aws-sdk/client-kms';
import { config } from '#shared/platform/config';
import { SigningKeyMakerUnavailableError, tableKeyMaker, type KeyMaker } from '#shared/tenant/signing-keys/key-makers';
import { kmsKeyMaker } from '#shared/tenant/signing-keys/kms-key-maker';
import type { KmsClient } from '#shared/tenant/signing-keys/kms-keys';
import { onAws } from '#shared/tenant/signing-keys/lifecycle';

/**
 * Where this process makes signing keys, from its configuration: in KMS with SIGNING_KEY_KMS_TAG
 * (CDK sets it on the rotate and revoke functions, whose roles hold the KMS calls), as table keys
 * locally. In AWS without the tag no key is made: rotation fails loudly (a 500, the reason in
 * the log) and a revocation still applies, its KMS key left in place. Only the rotate and revoke
 * handlers import this module, so no other function's bundle carries the KMS client for it.
 */
export function keyMakerFor(env: { kmsTag: string | undefined; onAws: boolean }, kms: () => KmsClient): KeyMaker {
  if (env.kmsTag) return kmsKeyMaker(kms(), { stack: env.kmsTag });
  if (!env.onAws) return tableKeyMaker;
  const refuse = async (): Promise<never> => {
    throw new SigningKeyMakerUnavailableError(
      'This function may not make or retire signing keys: in AWS only the rotate and revoke functions do, in KMS, with SIGNING_KEY_KMS_TAG (set by CDK)',
    );
  };
  return { kind: 'kms', create: refuse, retire: refuse };
}

let client: KMSClient | undefined;
const kms = () => (client ??= new KMSClient({}));

export const configuredKeyMaker = (): KeyMaker => keyMakerFor({ kmsTag: config.SIGNING_KEY_KMS_TAG, onAws: onAws() }, kms);
