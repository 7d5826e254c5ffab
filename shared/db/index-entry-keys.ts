import { createHash } from 'node:crypto';

/**
 * Index entry sort keys: `<type tag><value>` + SEPARATOR + `<user id>`, so that DynamoDB's string
 * order (UTF-8 bytes, which is code point order) is the values' order within each type.
 *
 * - Strings are kept as they are, except U+0000 and U+0001, escaped as U+0001 U+0002 and U+0001
 *   U+0003. The separator U+0001 U+0001 then sorts below every continuation of a value, so a
 *   value's entries come before those of any longer value that starts with it, and equality is
 *   one `begins_with`.
 * - A string longer than VALUE_KEY_CODE_POINTS keeps only its first code points there, followed by
 *   TRUNCATED and a digest of the whole (DynamoDB sort keys hold at most 1,024 bytes). Truncating to a fixed number of code
 *   points keeps the order (a >= b implies the truncations are too), so a key range built from
 *   truncated bounds still holds every match; each entry read is checked against its full value.
 * - Numbers are IEEE-754 doubles turned into 16 hex digits whose order is the numbers' order.
 * - Booleans are `true` / `false`.
 * - `x` marks a value that is an object (only `_exists_` reads it).
 */
export type EntryTag = 's' | 'n' | 'b' | 'x';

export const SEPARATOR = '\u0001\u0001';
/** Above every character a key can hold: `<prefix>` + TOP bounds everything that starts with the prefix. */
export const TOP = '\u{10FFFF}';
/** The first key after every entry of a type: an open upper bound (TOP alone would miss values that start with U+10FFFF). */
export const afterTag = (tag: EntryTag) => String.fromCharCode(tag.charCodeAt(0) + 1);

const escape = (text: string) => text.replace(/[\u0000\u0001]/g, (c) => (c === '\u0000' ? '\u0001\u0002' : '\u0001\u0003'));

/** At most 400 UTF-8 bytes of a key (4 bytes per code point at worst; an escaped one takes 2). */
export const VALUE_KEY_CODE_POINTS = 100;
/** After a truncated value: above the end of an untruncated one (SEPARATOR), below any longer value's next character. */
const TRUNCATED = '\u0001\u0004';

/** The first VALUE_KEY_CODE_POINTS code points, and whether anything was cut. */
function truncated(text: string): { head: string; cut: boolean } {
  if (text.length <= VALUE_KEY_CODE_POINTS) return { head: text, cut: false };
  const points = Array.from(text);
  return points.length <= VALUE_KEY_CODE_POINTS ? { head: text, cut: false } : { head: points.slice(0, VALUE_KEY_CODE_POINTS).join(''), cut: true };
}

/** Text as it appears in keys and in the bounds and prefixes of key ranges (truncated, escaped). */
export const encodeText = (text: string) => escape(truncated(text).head);

export function encodeNumber(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value === 0 ? 0 : value); // -0 and 0 are one number to search
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  // Positive: set the sign bit. Negative: flip every bit. Unsigned order is then numeric order.
  const [h, l] = high >>> 31 === 0 ? [(high | 0x80000000) >>> 0, low] : [~high >>> 0, ~low >>> 0];
  return h.toString(16).padStart(8, '0') + l.toString(16).padStart(8, '0');
}

/** The part of the sort key before the separator. */
export function encodeValue(tag: EntryTag, value: string | number | boolean | undefined): string {
  if (tag === 'n') return `n${encodeNumber(value as number)}`;
  if (tag === 'b') return `b${String(value)}`;
  if (tag === 'x') return 'x';
  const { head, cut } = truncated(value as string);
  // Two long values that share their first code points stay two entries (and equality one prefix).
  return cut ? `s${escape(head)}${TRUNCATED}${digest(value as string)}` : `s${escape(head)}`;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** User ids up to this many UTF-8 bytes are kept whole in keys; longer ones are shortened and hashed. */
const USER_KEY_BYTES = 200;

export const entrySortKey = (encodedValue: string, userId: string) => `${encodedValue}${SEPARATOR}${userKeyOf(userId)}`;

/** The user id in an entry's key: whole when short (so equal values sort by user id), else unique by a hash. */
function userKeyOf(userId: string): string {
  if (Buffer.byteLength(userId, 'utf8') <= USER_KEY_BYTES) return userId;
  return `${Array.from(userId).slice(0, 40).join('')}\u0001\u0005${digest(userId)}`;
}

/** FNV-1a: a user's shard, the same in every Lambda and every release. */
export function shardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
