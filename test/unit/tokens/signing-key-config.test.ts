import { describe, expect, it } from 'vitest';
import { readConfig } from '#shared/platform/config';

/** SIGNING_KEY_KMS_ID: optional (local), and when set, something KMS can resolve. */
const base = { TABLE_NAME: 'identity', ISSUER: 'https://id.example.com/' };

describe('SIGNING_KEY_KMS_ID', () => {
  it('is unset by default: the table key signs (local)', () => {
    expect(readConfig(base).SIGNING_KEY_KMS_ID).toBeUndefined();
  });

  it('takes a key ARN (what CDK sets), a key id, a multi-Region key id or an alias', () => {
    for (const id of [
      'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'mrk-1234abcd12ab34cd56ef1234567890ab',
      'alias/identity-signing',
      'arn:aws:kms:eu-west-1:111122223333:alias/identity-signing',
    ]) {
      expect(readConfig({ ...base, SIGNING_KEY_KMS_ID: id }).SIGNING_KEY_KMS_ID, id).toBe(id);
    }
  });

  it('refuses anything else, naming the variable and the stack output to use', () => {
    for (const id of ['', 'my-key', 'arn:aws:s3:::bucket', 'arn:aws:kms:eu-west-1:1111:key/x']) {
      expect(() => readConfig({ ...base, SIGNING_KEY_KMS_ID: id }), id).toThrow(
        'Invalid configuration: SIGNING_KEY_KMS_ID: must be a KMS key ARN, key id or alias (the SigningKeyId stack output)',
      );
    }
  });
});
