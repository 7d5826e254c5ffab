/**
 * Index entry sort keys: `<type tag><value>` + SEPARATOR + `<user id>`, so that DynamoDB's string
 * order (UTF-8 bytes, which is code point order) is the values' order within each type.
 *
 * - Strings are kept as they are, except U+0000 and U+0001, escaped as U+0001 U+0002 and U+0001
 *   U+0003. The separator U+0001 U+0001 then sorts below every continuation of a value, so a
 *   value's entries come before those of any longer value that starts with it, and equality is
 *   one `begins_with`.
 * - Numbers are IEEE-754 doubles turned into 16 hex digits whose order is the numbers' order.
 * - Booleans are `true` / `false`.
 * - `x` marks a value that is an object (only `_exists_` reads it).
 */
export type EntryTag = 's' | 'n' | 'b' | 'x';

export const SEPARATOR = '\u0001\u0001';
/** Above every character a key can hold: `<prefix>` + TOP bounds everything that starts with the prefix. */
export const TOP = '\u{10FFFF}';

export const encodeText = (text: string) => text.replace(/[\u0000\u0001]/g, (c) => (c === '\u0000' ? '\u0001\u0002' : '\u0001\u0003'));

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
  return `s${encodeText(value as string)}`;
}

export const entrySortKey = (encodedValue: string, userId: string) => `${encodedValue}${SEPARATOR}${userId}`;

/** FNV-1a: a user's shard, the same in every Lambda and every release. */
export function shardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
