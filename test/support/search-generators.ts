import type { Atom, MetadataPath, SearchQuery } from '#test/support/search-reference';

/**
 * Seeded generators for user-search property tests: users drawn from small domains (so that
 * queries match often) and random boolean queries over them. No dependencies; a seed reproduces
 * both the users and the queries.
 */

/** mulberry32: a tiny 32-bit PRNG, good enough for test data and fully reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Randomly changes the case of some letters. */
  mixCase(text: string): string {
    return [...text].map((c) => (this.chance(0.3) ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
  }
}

export const PLANS = ['free', 'gold', 'Gold', 'silver'] as const;
export const TAGS = ['a', 'b', 'c'] as const;
/** Mixed case, shared prefixes, and characters that need escaping in phrases and bare terms. */
export const NAMES = [
  'Ada Lovelace', 'ada byron', 'ADA LOVELACE', 'Grace Hopper', 'grace HOPPER', 'Alan Turing',
  'Al-Khwarizmi', 'Ann "Q" Lee', 'Back\\slash Bob', 'Dr: Who?', 'Zoë Ärger',
] as const;
export const EXISTS_PATHS: readonly MetadataPath[] = [
  'user_metadata.nickname_hint', 'user_metadata.nickname_hint', 'user_metadata.vip', 'user_metadata.tags', 'user_metadata.age',
];
/** Values for `nickname_hint`, including ones the index does not see (null, empty array or object). */
const HINTS: readonly unknown[] = ['Ace', '', 0, false, ['x'], { first: 'A' }, null, [], {}, [null], { first: null }];

/** The body of a users-create call (without connection and password, which seedUser adds). */
export function generateUser(random: Random, index: number, runTag: string): Record<string, unknown> {
  const userMetadata: Record<string, unknown> = {};
  if (random.chance(0.85)) userMetadata.age = random.int(18, 25);
  const vip = random.int(0, 2);
  if (vip < 2) userMetadata.vip = vip === 0;
  if (random.chance(0.8)) userMetadata.tags = TAGS.filter(() => random.chance(0.5));
  if (random.chance(0.5)) userMetadata.nickname_hint = random.pick(HINTS);
  const appMetadata: Record<string, unknown> = random.chance(0.9) ? { plan: random.pick(PLANS) } : {};
  const fields: Record<string, unknown> = {
    // Unique, with mixed case that the service may or may not normalise.
    email: random.mixCase(`p${index}.${runTag}@Example.com`),
    user_metadata: userMetadata,
    app_metadata: appMetadata,
  };
  if (random.chance(0.9)) fields.name = random.mixCase(random.pick(NAMES));
  return fields;
}

/** A random atom over the users' values (and some values no user has). */
export function generateAtom(random: Random, emails: readonly string[], names: readonly string[]): Atom {
  switch (random.int(0, 9)) {
    case 0:
      return { kind: 'email', value: random.chance(0.85) && emails.length > 0 ? random.mixCase(random.pick(emails)) : 'nobody@example.com' };
    case 1:
      return { kind: 'name', value: random.chance(0.9) ? random.mixCase(random.pick([...NAMES, ...names])) : 'Nobody' };
    case 2: {
      const name = random.pick([...NAMES, ...names]);
      return { kind: 'name-prefix', prefix: random.mixCase(name.slice(0, random.int(1, Math.min(6, name.length)))) };
    }
    case 3:
      return { kind: 'plan', value: random.pick([...PLANS, 'GOLD', 'platinum']) };
    case 4:
      return { kind: 'age', value: random.int(17, 26) };
    case 5:
      return { kind: 'vip', value: random.chance(0.5) };
    case 6:
      return { kind: 'tag', value: random.pick([...TAGS, 'A', 'd']) };
    case 7: {
      const from = random.int(16, 26);
      return { kind: 'age-range', from, to: from + random.int(0, 4) };
    }
    case 8:
      return { kind: 'plan-prefix', prefix: random.pick(['f', 'g', 'G', 'si', 'gol', 'x']) };
    default:
      return { kind: 'exists', path: random.pick(EXISTS_PATHS) };
  }
}

/** A random query of operator depth at most `maxDepth`. */
export function generateQuery(random: Random, maxDepth: number, emails: readonly string[], names: readonly string[]): SearchQuery {
  if (maxDepth === 0 || random.chance(0.3)) return { op: 'atom', atom: generateAtom(random, emails, names) };
  const roll = random.next();
  if (roll < 0.25) return { op: 'not', clause: generateQuery(random, maxDepth - 1, emails, names) };
  const clauses = Array.from({ length: random.int(2, 3) }, () => generateQuery(random, maxDepth - 1, emails, names));
  return { op: roll < 0.625 ? 'and' : 'or', clauses };
}
