import { describe, expect, it } from 'vitest';
import { MAX_METADATA_BYTES, config, managementAudience, readConfig } from '#shared/platform/config';

const base = { TABLE_NAME: 'identity', ISSUER: 'https://id.example.com/' };

/** Generous enough that development, the test suite and the benchmark never meet them. */
const RATE_LIMIT_DEFAULTS = {
  RATE_LIMITS: 'on',
  RATE_LIMIT_IP_BURST: 10_000,
  RATE_LIMIT_IP_PER_SECOND: 5_000,
  RATE_LIMIT_CLIENT_BURST: 10_000,
  RATE_LIMIT_CLIENT_PER_SECOND: 5_000,
  RATE_LIMIT_PASSWORD_IP_BURST: 1_000,
  RATE_LIMIT_PASSWORD_IP_PER_SECOND: 100,
  RATE_LIMIT_PASSWORD_CLIENT_BURST: 2_000,
  RATE_LIMIT_PASSWORD_CLIENT_PER_SECOND: 200,
  RATE_LIMIT_MAX_KEYS: 50_000,
};

/** Brute-force protection: 20 free attempts per identifier, then 1 s doubling to 300 s; 100 IPs; 30 days. */
const BRUTE_FORCE_DEFAULTS = {
  LOGIN_BACKOFF_AFTER: 20,
  LOGIN_BACKOFF_BASE_SECONDS: 1,
  LOGIN_BACKOFF_MAX_SECONDS: 300,
  LOGIN_TRACKED_IPS: 100,
  LOGIN_COUNTER_TTL_SECONDS: 2_592_000,
};

function configError(env: NodeJS.ProcessEnv): string {
  let caught: unknown;
  try {
    readConfig(env);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Error);
  return (caught as Error).message;
}

describe('readConfig', () => {
  it('applies the defaults: 50 keys, 2048 bytes, depth 10, a 10,000-item list budget, 100,000 index entries, tokens for 24 h', () => {
    expect(readConfig(base)).toEqual({
      TABLE_NAME: 'identity',
      ISSUER: 'https://id.example.com/',
      METADATA_MAX_KEYS: 50,
      METADATA_MAX_VALUE_BYTES: 2048,
      METADATA_MAX_DEPTH: 10,
      LIST_SCAN_BUDGET: 10_000,
      SEARCH_INDEX_BUDGET: 100_000,
      SEARCH_INDEX_SHARDS: 8,
      SEARCH_INDEX_CACHE_MS: 10_000,
      EXTENSIONS_CACHE_MS: 10_000,
      EXTENSIONS_CHECK_READ: 'eventual',
      EXTENSIONS_BUDGET_MS: 20_000,
      EXTENSIONS_MEMORY_MB: 32,
      EXTENSIONS_WORKERS: 4,
      EXTENSIONS_QUEUE_LIMIT: 100,
      ACCESS_TOKEN_TTL_SECONDS: 86_400,
      ...RATE_LIMIT_DEFAULTS,
      ...BRUTE_FORCE_DEFAULTS,
    });
  });

  it('reads numbers from strings and ignores unrelated variables', () => {
    expect(
      readConfig({
        ...base,
        DYNAMODB_ENDPOINT: 'http://localhost:8000',
        METADATA_MAX_KEYS: '20',
        METADATA_MAX_VALUE_BYTES: '4096',
        METADATA_MAX_DEPTH: '5',
        ACCESS_TOKEN_TTL_SECONDS: '3600',
        LIST_SCAN_BUDGET: '500',
        PATH: '/usr/bin',
      }),
    ).toEqual({
      ...base,
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      METADATA_MAX_KEYS: 20,
      METADATA_MAX_VALUE_BYTES: 4096,
      METADATA_MAX_DEPTH: 5,
      LIST_SCAN_BUDGET: 500,
      SEARCH_INDEX_BUDGET: 100_000,
      SEARCH_INDEX_SHARDS: 8,
      SEARCH_INDEX_CACHE_MS: 10_000,
      EXTENSIONS_CACHE_MS: 10_000,
      EXTENSIONS_CHECK_READ: 'eventual',
      EXTENSIONS_BUDGET_MS: 20_000,
      EXTENSIONS_MEMORY_MB: 32,
      EXTENSIONS_WORKERS: 4,
      EXTENSIONS_QUEUE_LIMIT: 100,
      ACCESS_TOKEN_TTL_SECONDS: 3600,
      ...RATE_LIMIT_DEFAULTS,
      ...BRUTE_FORCE_DEFAULTS,
    });
  });

  it('refuses an ISSUER without a trailing slash', () => {
    expect(configError({ ...base, ISSUER: 'https://id.example.com' })).toBe('Invalid configuration: ISSUER: must end with "/"');
  });

  it('refuses an ISSUER that is not a URL', () => {
    expect(configError({ ...base, ISSUER: 'id.example.com/' })).toBe('Invalid configuration: ISSUER: Invalid URL');
  });

  it('reads the extensions generation eventually consistent unless told otherwise, and refuses other modes', () => {
    expect(readConfig({ ...base, EXTENSIONS_CHECK_READ: 'consistent' }).EXTENSIONS_CHECK_READ).toBe('consistent');
    expect(configError({ ...base, EXTENSIONS_CHECK_READ: 'strong' })).toBe(
      'Invalid configuration: EXTENSIONS_CHECK_READ: Invalid option: expected one of "eventual"|"consistent"',
    );
  });

  it('refuses a missing TABLE_NAME', () => {
    expect(configError({ ISSUER: base.ISSUER })).toBe(
      'Invalid configuration: TABLE_NAME: Invalid input: expected string, received undefined',
    );
  });

  it('reports every problem at once', () => {
    expect(configError({})).toBe(
      'Invalid configuration: TABLE_NAME: Invalid input: expected string, received undefined; ISSUER: Invalid input: expected string, received undefined',
    );
  });

  it('refuses a metadata budget above 300 KB, naming the variables', () => {
    expect(MAX_METADATA_BYTES).toBe(307_200);
    expect(configError({ ...base, METADATA_MAX_KEYS: '50', METADATA_MAX_VALUE_BYTES: '3073' })).toBe(
      'Invalid configuration: METADATA_MAX_KEYS: 2 x METADATA_MAX_KEYS x METADATA_MAX_VALUE_BYTES is 307300 bytes; ' +
        "keep it at most 307200 so a user item stays below DynamoDB's 400 KB",
    );
  });

  it('accepts a metadata budget of exactly 300 KB', () => {
    const parsed = readConfig({ ...base, METADATA_MAX_KEYS: '50', METADATA_MAX_VALUE_BYTES: '3072' });
    expect(2 * parsed.METADATA_MAX_KEYS * parsed.METADATA_MAX_VALUE_BYTES).toBe(MAX_METADATA_BYTES);
  });

  it('caps METADATA_MAX_KEYS at 50, where a PATCH of every key still fits a 4 KB expression', () => {
    expect(configError({ ...base, METADATA_MAX_KEYS: '51' })).toBe(
      'Invalid configuration: METADATA_MAX_KEYS: Too big: expected number to be <=50',
    );
  });

  it('refuses numbers outside their ranges and non-integers', () => {
    expect(configError({ ...base, METADATA_MAX_DEPTH: '31' })).toBe(
      'Invalid configuration: METADATA_MAX_DEPTH: Too big: expected number to be <=30',
    );
    expect(configError({ ...base, METADATA_MAX_KEYS: '0' })).toBe(
      'Invalid configuration: METADATA_MAX_KEYS: Too small: expected number to be >=1',
    );
    expect(configError({ ...base, RATE_LIMITS: 'maybe' })).toBe(
      'Invalid configuration: RATE_LIMITS: Invalid option: expected one of "on"|"off"',
    );
    expect(configError({ ...base, RATE_LIMIT_PASSWORD_IP_PER_SECOND: '0' })).toBe(
      'Invalid configuration: RATE_LIMIT_PASSWORD_IP_PER_SECOND: Too small: expected number to be >=0.001',
    );
    expect(readConfig({ ...base, RATE_LIMIT_PASSWORD_IP_PER_SECOND: '0.2' }).RATE_LIMIT_PASSWORD_IP_PER_SECOND).toBe(0.2);
    expect(configError({ ...base, ACCESS_TOKEN_TTL_SECONDS: '1.5' })).toBe(
      'Invalid configuration: ACCESS_TOKEN_TTL_SECONDS: Invalid input: expected int, received number',
    );
  });
});

describe('config of the unit test run', () => {
  it('was read from the environment at import, with the audience derived from the issuer', () => {
    expect(config.TABLE_NAME).toBe('unit-tests');
    expect(config.ISSUER).toBe('http://localhost:3000/');
    expect(managementAudience).toBe('http://localhost:3000/api/v2/');
  });
});
