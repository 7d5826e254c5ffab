import { createHash, generateKeyPairSync, privateEncrypt, sign, constants, type KeyObject } from 'node:crypto';
import { CreateKeyCommand, GetPublicKeyCommand, ScheduleKeyDeletionCommand, SignCommand } from '@aws-sdk/client-kms';

/**
 * A stand-in for AWS KMS (not for our storage): an object with the KMS client's `send` that
 * answers Sign, GetPublicKey, CreateKey and ScheduleKeyDeletion the way the service documents
 * them, with node:crypto keys. It refuses what KMS refuses (a RAW message over 4,096 bytes, a DIGEST that is not 32 bytes, an
 * unknown key, another algorithm), so the signer is tested against KMS's contract, and it records
 * every request so a test can check what was sent.
 */
export const KMS_ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';
/** DER prefix of a PKCS #1 DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export interface StandInKey {
  arn: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  keySpec: string;
  keyUsage: string;
}

export class KmsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class KmsStandIn {
  readonly keys = new Map<string, StandInKey>();
  readonly signRequests: SignCommand['input'][] = [];
  readonly createRequests: CreateKeyCommand['input'][] = [];
  /** Keys scheduled for deletion, by ARN, with the waiting period asked for. */
  readonly deletions = new Map<string, number>();
  /** Tags given at CreateKey, by ARN. */
  readonly tags = new Map<string, Record<string, string>>();
  /**
   * Operations answered with AccessDeniedException, as KMS answers a caller whose IAM policy does
   * not allow them ('CreateKey', 'GetPublicKey', 'Sign', 'ScheduleKeyDeletion'); a count refuses
   * that many calls, then lets them through (a grant that takes a moment to count).
   */
  readonly refusals = new Map<string, number>();

  refuse(operation: string, times = Number.POSITIVE_INFINITY): void {
    this.refusals.set(operation, times);
  }

  private checkAccess(operation: string): void {
    const left = this.refusals.get(operation) ?? 0;
    if (left <= 0) return;
    this.refusals.set(operation, left - 1);
    throw new KmsError('AccessDeniedException', `User: arn:aws:sts::111122223333:assumed-role/test is not authorized to perform: kms:${operation}`);
  }

  /** Creates an RSA 2048 signing key (or one of another spec/usage, to test refusals). */
  createKey(options: { keySpec?: string; keyUsage?: string } = {}): StandInKey {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const id = `${this.keys.size + 1}`.padStart(8, '0');
    const key = {
      arn: `arn:aws:kms:eu-west-1:111122223333:key/${id}-1111-2222-3333-444455556666`,
      privateKey,
      publicKey,
      keySpec: options.keySpec ?? 'RSA_2048',
      keyUsage: options.keyUsage ?? 'SIGN_VERIFY',
    };
    this.keys.set(key.arn, key);
    return key;
  }

  async send(command: unknown): Promise<unknown> {
    const operation = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    this.checkAccess(operation);
    if (command instanceof SignCommand) return this.sign(command.input);
    if (command instanceof GetPublicKeyCommand) {
      const key = this.find(command.input.KeyId);
      return {
        KeyId: key.arn,
        PublicKey: new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' })),
        KeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        SigningAlgorithms: key.keyUsage === 'SIGN_VERIFY' ? [KMS_ALGORITHM, 'RSASSA_PSS_SHA_256'] : undefined,
      };
    }
    if (command instanceof CreateKeyCommand) {
      this.createRequests.push(command.input);
      const key = this.createKey({ keySpec: command.input.KeySpec, keyUsage: command.input.KeyUsage });
      this.tags.set(key.arn, Object.fromEntries((command.input.Tags ?? []).map((t) => [t.TagKey!, t.TagValue!])));
      return { KeyMetadata: { Arn: key.arn, KeyId: key.arn.split('/')[1], KeySpec: key.keySpec, KeyUsage: key.keyUsage } };
    }
    if (command instanceof ScheduleKeyDeletionCommand) {
      const key = this.find(command.input.KeyId);
      const days = command.input.PendingWindowInDays ?? 30;
      if (days < 7 || days > 30) throw new KmsError('ValidationException', 'PendingWindowInDays must be between 7 and 30');
      this.deletions.set(key.arn, days);
      return { KeyId: key.arn, KeyState: 'PendingDeletion', PendingWindowInDays: days };
    }
    throw new KmsError('UnsupportedOperation', 'the stand-in answers Sign, GetPublicKey, CreateKey and ScheduleKeyDeletion only');
  }

  private sign(input: SignCommand['input']) {
    this.signRequests.push(input);
    const key = this.find(input.KeyId);
    if (key.keyUsage !== 'SIGN_VERIFY') throw new KmsError('InvalidKeyUsageException', 'key usage is not SIGN_VERIFY');
    if (input.SigningAlgorithm !== KMS_ALGORITHM) throw new KmsError('ValidationException', 'unsupported algorithm');
    const message = Buffer.from(input.Message ?? new Uint8Array());
    let signature: Buffer;
    if (input.MessageType === 'DIGEST') {
      if (message.length !== 32) throw new KmsError('ValidationException', 'a SHA-256 digest is 32 bytes');
      // PKCS #1 v1.5 over a given digest: pad DigestInfo || digest with the private key.
      signature = privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, message]));
    } else {
      if (message.length > 4096) throw new KmsError('ValidationException', 'Message must be at most 4096 bytes');
      signature = sign('sha256', message, key.privateKey);
    }
    return { KeyId: key.arn, Signature: new Uint8Array(signature), SigningAlgorithm: KMS_ALGORITHM };
  }

  private find(keyId: string | undefined): StandInKey {
    const key = keyId ? this.keys.get(keyId) : undefined;
    if (!key) throw new KmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return key;
  }
}

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
