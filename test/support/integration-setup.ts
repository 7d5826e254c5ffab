import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { dynamoEnv, ensureTable } from '#infra/local/dynamodb-local';

/**
 * Runs before each integration test file, before it imports the service: points the service's
 * configuration at a fresh table in the run's DynamoDB Local and seeds it like a new tenant.
 * Refuses anything but a local endpoint, so a test can never touch a real table.
 */
const endpoint = inject('dynamoEndpoint');
if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(endpoint)) throw new Error(`Refusing non-local DynamoDB endpoint ${endpoint}`);
const tableName = `test-${randomBytes(6).toString('hex')}`;
Object.assign(process.env, {
  ...dynamoEnv({ endpoint, credentials: inject('dynamoCredentials') }),
  TABLE_NAME: tableName,
  ISSUER: 'https://tenant.example.test/',
  // Rules and actions changed by a test must apply to its next login.
  EXTENSIONS_CACHE_MS: '0',
  // A hostile rule's timeout should cost a test about a second, not Auth0's 20.
  EXTENSIONS_BUDGET_MS: '1000',
  // Each test file starts its own pool of rules workers (1.5 s or more of CPU each); tests need two at most.
  EXTENSIONS_WORKERS: '2',
  // A declared index is built, and searched, at once (no writer's cache to wait for).
  SEARCH_INDEX_CACHE_MS: '0',
});
await ensureTable(endpoint, tableName);
const { seedTenant } = await import('#shared/bootstrap/seed');
await seedTenant();
