import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MANAGEMENT_SCOPES } from '#shared/tenant/scopes';
import { createClient, ensureClientEnabled, loadClient } from '#shared/tenant/clients';
import { ensureClientDirectoryEntry } from '#shared/db/clients-repo';
import { config, managementAudience } from '#shared/platform/config';
import { DEFAULT_CONNECTION } from '#shared/tenant/connections';
import { syncManagementGrant } from '#shared/management/client-grants/bootstrap';
import { ensureDirectoryEntry, insertConnection } from '#shared/db/connections-repo';
import { newConnectionId } from '#shared/platform/ids';
import { ensureSearchIndexes } from '#shared/management/search-indexes/manage';
import { ensureSigningKeys } from '#shared/tenant/signing-keys/lifecycle';

/**
 * A new tenant's first contents: the default database connection, an RS256 signing key (a table
 * key locally, the KMS key's public half in AWS), a
 * Management API machine client with every management scope, a first-party application, and the
 * root search index (built from the users already there, if any: see ensureSearchIndexes).
 * Each step is idempotent, so seeding an existing tenant changes nothing it should keep.
 */
export interface BootstrapCredentials {
  issuer: string;
  management: { client_id: string; client_secret: string; audience: string };
  application: { client_id: string; client_secret: string };
  connection: string;
}

export async function seedTenant(): Promise<void> {
  const created = await insertConnection({
    id: newConnectionId(),
    name: DEFAULT_CONNECTION,
    strategy: 'auth0',
    // Auth0 gives a new database connection the `good` policy (8+ characters, 3 of 4 kinds).
    options: { requires_username: false, passwordPolicy: 'good' },
    enabled_clients: [],
    realms: [DEFAULT_CONNECTION],
    is_domain_connection: false,
  });
  // A tenant seeded before connections had a directory item gets one (idempotent).
  if (!created) await ensureDirectoryEntry(DEFAULT_CONNECTION);
  await ensureSigningKey();
  await ensureSearchIndexes();
}

/**
 * With SIGNING_KEY_KMS_ID (AWS), the KMS key's public half is registered and no private key is
 * written (or left) in the table; otherwise (local) a current and a next table key with their
 * certificates, made once, and certificates for older keys that lack one (docs/signing-keys.md).
 */
async function ensureSigningKey(): Promise<void> {
  if (config.SIGNING_KEY_KMS_ID) {
    const { registerKmsSigningKeyWithDefaults } = await import('#shared/authentication/tokens/kms-signing-key');
    await registerKmsSigningKeyWithDefaults(config.SIGNING_KEY_KMS_ID);
  } else {
    await ensureSigningKeys();
  }
}

export async function createBootstrapClients(): Promise<BootstrapCredentials> {
  const management = await createClient({
    name: 'Management API (bootstrap)',
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    grants: [{ audience: managementAudience, scope: MANAGEMENT_SCOPES, seeded_scopes: MANAGEMENT_SCOPES }],
  });
  const application = await createClient({
    name: 'Default App',
    app_type: 'regular_web',
    grant_types: ['authorization_code', 'refresh_token', 'password', 'http://auth0.com/oauth/grant-type/password-realm'],
  });
  return {
    issuer: config.ISSUER,
    management: { client_id: management.client.client_id, client_secret: management.client_secret, audience: managementAudience },
    application: { client_id: application.client.client_id, client_secret: application.client_secret },
    connection: DEFAULT_CONNECTION,
  };
}

/**
 * Keeps saved credentials usable: they follow the current issuer, and the Management grant gains
 * scopes new to the catalogue, never one an operator removed (syncManagementGrant).
 */
export async function refreshBootstrap(saved: BootstrapCredentials): Promise<BootstrapCredentials | undefined> {
  const [management, application] = await Promise.all([loadClient(saved.management.client_id), loadClient(saved.application.client_id)]);
  if (!management || !application) return undefined;
  await syncManagementGrant(saved.management.client_id);
  // Clients saved before the directory get their directory item; the application stays enabled on the seeded connection.
  await Promise.all([ensureClientDirectoryEntry(saved.management.client_id), ensureClientDirectoryEntry(saved.application.client_id)]);
  await ensureClientEnabled(DEFAULT_CONNECTION, saved.application.client_id);
  return { ...saved, issuer: config.ISSUER, management: { ...saved.management, audience: managementAudience } };
}

/**
 * Seeds the tenant and makes sure `file` holds working credentials: kept (and refreshed) when
 * they still match clients in the table, created anew otherwise. Used by `npm start` and by
 * `npm run seed` against a deployed table. The file holds secrets: it is written owner-only.
 */
export async function ensureBootstrap(file: string): Promise<BootstrapCredentials> {
  await seedTenant();
  const saved = existsSync(file) ? await refreshBootstrap(JSON.parse(readFileSync(file, 'utf8')) as BootstrapCredentials) : undefined;
  const credentials = saved ?? (await createBootstrapClients());
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // `mode` applies only when the file is created

  return credentials;
}
