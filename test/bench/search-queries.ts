import type { UserRecord } from '#shared/management/users/model';

/**
 * The searches the search section measures, each with its own predicate over the generated users
 * (so k is counted without the service, and the service's `total` is checked against it).
 */
export interface QuerySpec {
  name: string;
  q: string;
  page?: number;
  matches: (user: UserRecord) => boolean;
  /** Which index serves it once declared; undefined: a path never declared (the Scan fallback). */
  indexed?: 'root' | 'declared';
  /**
   * Also measured by Scan before its paths are declared (the same predicate, for the ratio). Only
   * exact terms: a range or wildcard on a metadata path needs a declared index.
   */
  scanBefore?: boolean;
  /** An AND: the names of its terms' own queries (the bound uses the sum of their k). */
  terms?: string[];
}

const meta = (user: UserRecord, area: 'user_metadata' | 'app_metadata', key: string) => user[area][key];
const age = (user: UserRecord) => meta(user, 'user_metadata', 'age') as number;
const isEnterprise = (user: UserRecord) => meta(user, 'app_metadata', 'plan') === 'enterprise';
const MARCH_2023: [string, string] = ['2023-03-01T00:00:00.000Z', '2023-03-31T23:59:59.999Z'];

export function searchQueries(input: { email: string; rareDomain: string }): QuerySpec[] {
  return [
    { name: 'email', q: `email:"${input.email}"`, indexed: 'root', matches: (u) => u.email === input.email },
    { name: 'email.domain', q: `email.domain:${input.rareDomain}`, indexed: 'root', matches: (u) => u.email.endsWith(`@${input.rareDomain}`) },
    { name: 'name prefix', q: 'name:Jane*', indexed: 'root', matches: (u) => u.name.toLowerCase().startsWith('jane') },
    {
      name: 'created_at month',
      q: `created_at:[${MARCH_2023[0]} TO ${MARCH_2023[1]}]`,
      indexed: 'root',
      matches: (u) => u.created_at >= MARCH_2023[0] && u.created_at <= MARCH_2023[1],
    },
    {
      name: 'connection, page 2',
      q: 'identities.connection:"Username-Password-Authentication"',
      page: 2,
      indexed: 'root',
      matches: (u) => u.connection === 'Username-Password-Authentication',
    },
    { name: 'plan', q: 'app_metadata.plan:enterprise', indexed: 'declared', scanBefore: true, matches: isEnterprise },
    { name: 'age 30', q: 'user_metadata.age:30', indexed: 'declared', scanBefore: true, matches: (u) => age(u) === 30 },
    { name: 'age 30-31', q: 'user_metadata.age:[30 TO 31]', indexed: 'declared', matches: (u) => age(u) >= 30 && age(u) <= 31 },
    { name: 'age 30-35', q: 'user_metadata.age:[30 TO 35]', indexed: 'declared', matches: (u) => age(u) >= 30 && age(u) <= 35 },
    {
      name: 'plan AND age 30',
      q: 'app_metadata.plan:enterprise AND user_metadata.age:30',
      indexed: 'declared',
      scanBefore: true,
      terms: ['plan', 'age 30'],
      matches: (u) => isEnterprise(u) && age(u) === 30,
    },
    {
      name: 'plan AND age 30-35',
      q: 'app_metadata.plan:enterprise AND user_metadata.age:[30 TO 35]',
      indexed: 'declared',
      terms: ['plan', 'age 30-35'],
      matches: (u) => isEnterprise(u) && age(u) >= 30 && age(u) <= 35,
    },
    {
      name: 'plan OR age 30-31',
      q: 'app_metadata.plan:enterprise OR user_metadata.age:[30 TO 31]',
      indexed: 'declared',
      matches: (u) => isEnterprise(u) || (age(u) >= 30 && age(u) <= 31),
    },
    { name: 'hobby', q: 'user_metadata.hobby:chess', matches: (u) => meta(u, 'user_metadata', 'hobby') === 'chess' },
  ];
}
