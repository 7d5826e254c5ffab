import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { emailClaimKey, userKey } from '#shared/db/keys';
import { userEntries } from '#shared/management/search-indexes/entries';
import type { SearchIndex } from '#shared/management/search-indexes/model';
import { defaultPicture } from '#shared/management/users/defaults';
import { indexedUser, type UserRecord } from '#shared/management/users/model';
import { mulberry32 } from '#test/support/search-generators';

/**
 * The search benchmark's users: deterministic (a seeded generator), written straight to the table
 * with BatchWriteItem, each with its email claim and its index entries (userEntries, so exactly
 * what a create through the API would write). Imported only once the environment points the
 * service's configuration at the bench table.
 */
export const BENCH_CONNECTION = 'Username-Password-Authentication';

const GIVEN = [
  'Jane', 'Janet', 'John', 'Maria', 'Mohammed', 'Wei', 'Aisha', 'Carlos', 'Olga', 'Kenji', 'Priya', 'Lucas', 'Emma', 'Noah',
  'Sofia', 'Liam', 'Chloe', 'Omar', 'Ines', 'Hugo', 'Freya', 'Mateo', 'Yuki', 'Amara', 'Leon', 'Nora', 'Ravi', 'Elena',
  'Tomas', 'Zara', 'Felix', 'Ada', 'Ivan', 'Lena', 'Diego', 'Mei', 'Sam', 'Ruth', 'Oscar', 'Hana',
];
const FAMILY = [
  'Smith', 'Garcia', 'Müller', 'Chen', 'Okafor', 'Rossi', 'Kowalski', 'Silva', 'Nguyen', 'Kim', 'Patel', 'Dubois', 'Jensen',
  'Haddad', 'Ivanova', 'Tanaka', 'Brown', 'Lopez', 'Novak', 'Murphy', 'Cohen', 'Santos', 'Larsen', 'Schmidt', 'Ali',
  'Costa', 'Fischer', 'Moreau', 'Popescu', 'Yilmaz', 'Andersson', 'Kaur', 'Wright', 'Bakker', 'Romero', 'Sato', 'Horvat',
  'Walsh', 'Mensah', 'Nielsen',
];
/** Weighted: `fastmail.com` is the rare one (~0.5%). */
const DOMAINS: [string, number][] = [
  ['gmail.com', 40], ['yahoo.com', 15], ['outlook.com', 15], ['hotmail.com', 10], ['icloud.com', 8.5], ['example.com', 6],
  ['proton.me', 5], ['fastmail.com', 0.5],
];
export const RARE_DOMAIN = 'fastmail.com';
export const HOBBIES = [
  'chess', 'climbing', 'cycling', 'running', 'swimming', 'hiking', 'yoga', 'painting', 'drawing', 'photography', 'guitar',
  'piano', 'drums', 'singing', 'dancing', 'cooking', 'baking', 'gardening', 'knitting', 'sewing', 'pottery', 'woodwork',
  'reading', 'writing', 'poetry', 'gaming', 'coding', 'robotics', 'astronomy', 'birdwatching', 'fishing', 'sailing',
  'surfing', 'skiing', 'snowboarding', 'skating', 'tennis', 'football', 'basketball', 'volleyball', 'golf', 'boxing',
  'judo', 'archery', 'fencing', 'rowing', 'calligraphy', 'origami', 'genealogy', 'travel',
];
const PLANS: [string, number][] = [['free', 70], ['pro', 25], ['enterprise', 5]];
const START = Date.parse('2022-01-01T00:00:00.000Z');
const THREE_YEARS_MS = 3 * 365 * 24 * 3600 * 1000;

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

function weighted(random: () => number, list: readonly [string, number][]): string {
  const total = list.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, w] of list) {
    r -= w;
    if (r < 0) return value;
  }
  return list[list.length - 1]![0];
}

/** User `i` of the data set: the same user for the same seed and index. */
export function benchUser(seed: number, i: number): UserRecord {
  const random = mulberry32(seed * 1_000_003 + i);
  const hex = Array.from({ length: 3 }, () => Math.floor(random() * 0x100000000).toString(16).padStart(8, '0')).join('');
  const given = pick(random, GIVEN);
  const family = pick(random, FAMILY);
  const email = `${given}.${family}.${i}@${weighted(random, DOMAINS)}`.toLowerCase();
  const name = `${given} ${family}`;
  const created = new Date(START + Math.floor(random() * THREE_YEARS_MS)).toISOString();
  const roles = ['user', ...(random() < 0.1 ? ['billing'] : []), ...(random() < 0.03 ? ['admin'] : [])];
  return {
    user_id: `auth0|${hex}`,
    connection: BENCH_CONNECTION,
    email,
    email_verified: random() < 0.8,
    name,
    nickname: email.slice(0, email.indexOf('@')),
    given_name: given,
    family_name: family,
    picture: defaultPicture(email, name),
    created_at: created,
    updated_at: created,
    user_metadata: { age: 18 + Math.floor(random() * 73), hobby: pick(random, HOBBIES), locale: random() < 0.5 ? 'en' : 'fr' },
    app_metadata: { plan: weighted(random, PLANS), roles },
    version: 1,
  };
}

/** The items a user brings: profile, email claim, index entries. */
export function userItems(user: UserRecord, indexes: readonly SearchIndex[]): Record<string, unknown>[] {
  return [{ ...userKey(user.user_id), ...user }, { ...emailClaimKey(user.email, user.connection), user_id: user.user_id }, ...userEntries(indexedUser(user), indexes).map((entry) => ({ ...entry }))];
}

const BATCH = 25;

async function writeBatch(items: Record<string, unknown>[]): Promise<void> {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    if (attempt > 10) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed after ${attempt} attempts`);
    const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
    requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
  }
}

export interface LoadResult {
  users: number;
  items: number;
  ms: number;
  /** A few of the users, to search for exact values. */
  samples: UserRecord[];
}

/**
 * Writes users 0..count-1 with their claims and entries, `concurrency` BatchWriteItem requests
 * in flight; generation happens in chunks, so memory stays flat however many users.
 */
export async function loadUsers(input: {
  seed: number;
  count: number;
  indexes: readonly SearchIndex[];
  concurrency: number;
  onProgress?: (done: number, items: number, ms: number) => void;
  /** Sees every generated user (to count matches independently of the service). */
  onUser?: (user: UserRecord) => void;
}): Promise<LoadResult> {
  const started = performance.now();
  const samples: UserRecord[] = [];
  let items = 0;
  const CHUNK = 2000;
  for (let from = 0; from < input.count; from += CHUNK) {
    const batches: Record<string, unknown>[][] = [];
    let current: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(input.count, from + CHUNK); i++) {
      const user = benchUser(input.seed, i);
      input.onUser?.(user);
      if (i % Math.max(1, Math.floor(input.count / 5)) === 0) samples.push(user);
      for (const item of userItems(user, input.indexes)) {
        current.push(item);
        if (current.length === BATCH) {
          batches.push(current);
          current = [];
        }
      }
    }
    if (current.length > 0) batches.push(current);
    let next = 0;
    await Promise.all(
      Array.from({ length: input.concurrency }, async () => {
        for (let b = next++; b < batches.length; b = next++) await writeBatch(batches[b]!);
      }),
    );
    items += batches.reduce((sum, b) => sum + b.length, 0);
    input.onProgress?.(Math.min(input.count, from + CHUNK), items, performance.now() - started);
  }
  return { users: input.count, items, ms: performance.now() - started, samples };
}
