import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AllowHostsError, parseAllowHosts } from '#shared/platform/net/allow-hosts';
import { allowingHosts, checkHost, guardedLookup, sandboxNetworkPolicy, type NetworkPolicy } from '#shared/sandbox/guest/network-policy';

/** Where a rule's fetch may connect: global unicast only, the operator's allow-list, never metadata. */

const byDefault = sandboxNetworkPolicy({});

/** A URL's hostname for an address: IPv6 in brackets, as `new URL(...).hostname` gives it. */
const host = (address: string) => (address.includes(':') ? `[${address}]` : address);

const refusedBy = (policy: NetworkPolicy, address: string, port = 80): string | undefined => {
  try {
    checkHost(host(address), port, policy);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

/** The addresses a name resolves to, through the guarded lookup, or the policy's refusal. */
function resolve(name: string, port: number, policy: NetworkPolicy): Promise<string> {
  const lookup: LookupFunction = guardedLookup(name, port, policy);
  return new Promise((done) => lookup(name, { all: true }, (error, addresses) => done(error ? error.message : JSON.stringify(addresses))));
}

const NOT_GLOBAL = [
  // IPv4 special-purpose ranges
  '0.1.2.3', '10.0.0.1', '100.64.0.1', '100.127.255.254', '127.0.0.1', '169.254.1.1', '172.16.0.1', '172.31.255.255',
  '192.0.0.8', '192.0.2.1', '192.88.99.1', '192.168.1.1', '198.18.0.1', '198.19.255.255', '198.51.100.1',
  '203.0.113.1', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  // IPv6 outside 2000::/3, and the special ranges inside it
  '::', '::1', 'fec0::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '100::1', '2001:db8::1', '2001:2::1', '3fff::1',
  // IPv4-compatible (::/96): refused outright, even carrying a public address
  '::7f00:1', '::a00:1', '::808:808',
  // IPv4-mapped, NAT64 and 6to4: judged by the IPv4 address they carry
  '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '64:ff9b::a00:1', '64:ff9b::c0a8:101',
  '2002:7f00:1::1', '2002:a00:1::', '2002:c0a8:101::1',
  // local-use NAT64 and Teredo: refused outright
  '64:ff9b:1::808:808', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001::1',
];

const GLOBAL = [
  '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.0.3.1', '198.20.0.1', '223.255.255.254',
  '2606:4700:4700::1111', '2a00:1450:4001::1', '2001:200::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1',
];

const METADATA = [
  '169.254.169.254', '169.254.170.2', '169.254.170.23', 'fd00:ec2::254', 'fd00:ec2::23', '100.100.100.200',
  '::ffff:169.254.169.254', '::a9fe:a9fe', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '64:ff9b:1::a9fe:a9fe',
];

describe('network policy: global unicast only', () => {
  it.each(NOT_GLOBAL)('refuses %s by default', (address) => {
    expect(refusedBy(byDefault, address)).toBe(`connecting to ${host(address)} is not allowed (private address)`);
  });

  it.each(GLOBAL)('allows %s', (address) => {
    expect(refusedBy(byDefault, address)).toBeUndefined();
  });

  it('refuses names that resolve to loopback (localhost) unless allowed', async () => {
    expect(await resolve('localhost', 80, byDefault)).toBe('connecting to localhost is not allowed (private address)');
    expect(await resolve('localhost', 8080, allowingHosts(['localhost:8080']))).toContain('"address":"127.0.0.1"');
    expect(await resolve('localhost', 8081, allowingHosts(['localhost:8080']))).toBe('connecting to localhost is not allowed (private address)');
  });
});

describe('network policy: the allow-list (EXTENSIONS_ALLOW_HOSTS)', () => {
  it('allows CIDR ranges on any port, and one address on one port when a port is given', () => {
    const policy = sandboxNetworkPolicy({ EXTENSIONS_ALLOW_HOSTS: '10.0.0.0/8, 127.0.0.1:5432, [fd12::7]:443, fd34::/16' });
    expect(refusedBy(policy, '10.20.30.40', 1)).toBeUndefined();
    expect(refusedBy(policy, '::ffff:10.20.30.40', 1)).toBeUndefined();
    expect(refusedBy(policy, '127.0.0.1', 5432)).toBeUndefined();
    expect(refusedBy(policy, '127.0.0.1', 5433)).toBe('connecting to 127.0.0.1 is not allowed (private address)');
    expect(refusedBy(policy, 'fd12::7', 443)).toBeUndefined();
    expect(refusedBy(policy, 'fd34:1::1', 8080)).toBeUndefined();
    expect(refusedBy(policy, '192.168.0.1', 80)).toBe('connecting to 192.168.0.1 is not allowed (private address)');
  });

  it.each(METADATA)('refuses the metadata address %s, even to a policy that allows everything', (address) => {
    const everything: NetworkPolicy = { allow: [{ kind: 'ip', net: Array<number>(16).fill(0), bits: 0 }], reserved: [] };
    expect(refusedBy(everything, address)).toBe(`connecting to ${host(address)} is not allowed (cloud metadata address)`);
  });

  it('refuses the Lambda Runtime API in Lambda, even when the allow-list covers loopback', () => {
    const policy = sandboxNetworkPolicy({ EXTENSIONS_ALLOW_HOSTS: '127.0.0.0/8', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    expect(refusedBy(policy, '127.0.0.1', 9001)).toBe('connecting to 127.0.0.1 is not allowed (reserved address)');
    expect(refusedBy(policy, '127.0.0.1', 9002)).toBeUndefined();
  });

  it('parses names, addresses, ports and ranges as plain data', () => {
    expect(parseAllowHosts(' legacy-db.internal:5432 , Store.Example.com.,10.0.0.0/8,legacy_store:27017')).toEqual([
      { kind: 'name', host: 'legacy-db.internal', port: 5432 },
      { kind: 'name', host: 'store.example.com' },
      { kind: 'ip', net: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 0], bits: 104 },
      { kind: 'name', host: 'legacy_store', port: 27017 },
    ]);
    expect(parseAllowHosts(undefined)).toEqual([]);
  });

  it.each(['http://db.internal', 'db internal', 'db.internal:0', 'db.internal:65536', '10.0.0.0/33', '::/129', 'db.internal/8', '[db.internal]:80', '[::1', '0x7f.1', 'exa$mple.com', '-db.internal', '*.internal'])(
    'refuses the malformed entry %s',
    (entry) => {
      expect(() => parseAllowHosts(entry)).toThrow(new AllowHostsError(`"${entry}" is not a host, host:port, IP address or CIDR range`));
    },
  );

  it.each(['169.254.169.254', '169.254.169.254:80', '169.254.0.0/16', '169.254.170.2', '0.0.0.0/0', '::/0', 'fd00:ec2::254', '[fd00:ec2::254]:80', 'fd00::/8', '::ffff:0:0/96', '64:ff9b::/96', '2002::/16', '100.100.100.200'])(
    'refuses the entry %s, which covers a cloud metadata address',
    (entry) => {
      expect(() => parseAllowHosts(entry)).toThrow(
        new AllowHostsError(`"${entry}" covers a cloud metadata address (such as 169.254.169.254), which can never be allowed`),
      );
    },
  );
});
