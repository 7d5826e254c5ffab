import { describe, expect, it } from 'vitest';
import { readConfig } from '#shared/platform/config';

/** EXTENSIONS_ALLOW_HOSTS is validated with the rest of the configuration, at cold start. */

const base = { TABLE_NAME: 'identity', ISSUER: 'https://id.example.com/' };

describe('config: EXTENSIONS_ALLOW_HOSTS', () => {
  it('is unset by default and keeps the list as given', () => {
    expect(readConfig(base).EXTENSIONS_ALLOW_HOSTS).toBeUndefined();
    const list = 'legacy-db.internal:5432, 10.0.0.0/8';
    expect(readConfig({ ...base, EXTENSIONS_ALLOW_HOSTS: list }).EXTENSIONS_ALLOW_HOSTS).toBe(list);
  });

  it('fails on a malformed entry, naming it', () => {
    expect(() => readConfig({ ...base, EXTENSIONS_ALLOW_HOSTS: 'db.internal, http://db.internal' })).toThrow(
      'Invalid configuration: EXTENSIONS_ALLOW_HOSTS: "http://db.internal" is not a host, host:port, IP address or CIDR range',
    );
  });

  it('fails on an entry covering a cloud metadata address', () => {
    for (const entry of ['169.254.169.254', '169.254.0.0/16', 'fd00:ec2::254', '::/0']) {
      expect(() => readConfig({ ...base, EXTENSIONS_ALLOW_HOSTS: entry }), entry).toThrow(
        `Invalid configuration: EXTENSIONS_ALLOW_HOSTS: "${entry}" covers a cloud metadata address (such as 169.254.169.254), which can never be allowed`,
      );
    }
  });
});
