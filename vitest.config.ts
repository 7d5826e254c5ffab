import { defineConfig } from 'vitest/config';

/**
 * Four kinds of tests. Unit tests are pure; integration tests share one DynamoDB Local per run
 * (a fresh table per file) and call handlers through the route table; the infra test synthesizes
 * the CDK stack; the e2e test starts `npm start` as a newcomer would.
 */
const serviceEnv = { TABLE_NAME: 'unit-tests', ISSUER: 'http://localhost:3000/' };

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env: serviceEnv } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/integration-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
