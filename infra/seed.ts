/**
 * `npm run seed`: seeds a deployed tenant (after `cdk deploy`) with the default connection, a
 * signing key, the Management API client and an application, using your AWS credentials.
 *   TABLE_NAME=<TableName output> ISSUER=<Issuer output> npm run seed
 * Credentials are written to BOOTSTRAP_FILE (default .data/bootstrap.aws.json, owner-only) and
 * printed once; running it again keeps them (and re-syncs the management grant).
 */
import { resolve } from 'node:path';

async function main(): Promise<void> {
  for (const name of ['TABLE_NAME', 'ISSUER']) {
    if (!process.env[name]) throw new Error(`${name} is required (see the stack outputs of cdk deploy)`);
  }
  const file = resolve(process.env.BOOTSTRAP_FILE ?? '.data/bootstrap.aws.json');
  const { ensureBootstrap } = await import('#shared/bootstrap/seed');
  const credentials = await ensureBootstrap(file);
  console.log(`Seeded table ${process.env.TABLE_NAME} for issuer ${credentials.issuer}`);
  console.log(`Management API client: client_id=${credentials.management.client_id} (secret in ${file})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
