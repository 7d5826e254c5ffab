/**
 * `npm run seed`: seeds a deployed tenant (after `cdk deploy`) with the default connection, the
 * KMS signing key's public half, the Management API client and an application, using your AWS
 * credentials (they need kms:GetPublicKey on the key, which the key policy leaves to the account).
 *   TABLE_NAME=<TableName output> ISSUER=<Issuer output> SIGNING_KEY_KMS_ID=<SigningKeyId output> npm run seed
 * SIGNING_KEY_KMS_ID is required: without it the seed would write a private key into the table,
 * which every function's table grant could read (and which the functions refuse to use).
 * Credentials are written to BOOTSTRAP_FILE (default .data/bootstrap.aws.json, owner-only) and
 * printed once; running it again keeps them (and re-syncs the management grant).
 */
import { resolve } from 'node:path';

async function main(): Promise<void> {
  for (const name of ['TABLE_NAME', 'ISSUER', 'SIGNING_KEY_KMS_ID']) {
    if (!process.env[name]) throw new Error(`${name} is required (see the stack outputs of cdk deploy)`);
  }
  const file = resolve(process.env.BOOTSTRAP_FILE ?? '.data/bootstrap.aws.json');
  const { ensureBootstrap } = await import('#shared/bootstrap/seed');
  const credentials = await ensureBootstrap(file);
  console.log(`Seeded table ${process.env.TABLE_NAME} for issuer ${credentials.issuer}`);
  console.log(`Signing key: KMS ${process.env.SIGNING_KEY_KMS_ID} (public half registered for JWKS; no private key in the table)`);
  console.log(`Management API client: client_id=${credentials.management.client_id} (secret in ${file})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
