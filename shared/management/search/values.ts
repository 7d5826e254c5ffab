/**
 * Reading a query's raw text as the type of the value it meets: numbers, dates, glob patterns.
 */

/**
 * Linear: no two unbounded quantifiers may both claim the same digit. The old `\d+\.?\d*` could
 * split a run of n digits between `\d+` and `\d*` n ways, and tried them all when the text
 * failed at its end (4 s for 50,000 digits); here the fraction starts with a `.`, so a run of
 * digits has one reading.
 */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number as JSON would write it (plus a leading `+`), or undefined. */
export function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** YYYY, YYYY-MM, YYYY-MM-DD, then optionally THH:mm[:ss[.sss]] and a zone (Z or ±HH:mm). */
const DATE =
  /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?)?)?$/;

/**
 * A date bound as a prefix of the ISO-8601 UTC timestamps users carry (`2024-01-15T10:20:30.000Z`).
 * A partial date stands for its whole period, as Elasticsearch rounds date bounds: comparing a
 * timestamp's first N characters with an N-character key makes `[2017-12 TO *]` start on 1 December,
 * `{2017-11 TO 2017-12]` cover December, `[* TO 2017-12-31]` end at 23:59:59.999 and
 * `created_at:2024-01-15` match the whole day. A time with a zone is converted to UTC first.
 */
export function dateKey(text: string): string | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  if (match[1] === undefined) return text;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Compares a timestamp with a dateKey: negative before the key's period, 0 within it, positive after. */
export const compareToDateKey = (timestamp: string, key: string) => compareText(timestamp.slice(0, key.length), key);

/**
 * By Unicode code points, which is UTF-8 byte order: Elasticsearch's keyword order, and the order
 * of DynamoDB's string sort keys, so index ranges and in-memory matching agree. (JavaScript's `<`
 * compares UTF-16 code units, which puts U+E000–U+FFFF after the characters above U+FFFF.)
 */
export function compareText(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only where the code units differ can surrogates and U+E000–U+FFFF disagree with code point order.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}

/** `*` matches any run of characters; `parts` are the literal pieces between stars. */
export function globMatches(parts: readonly string[], text: string): boolean {
  const first = parts[0] ?? '';
  if (parts.length < 2) return text === first;
  const last = parts[parts.length - 1] ?? '';
  if (!text.startsWith(first)) return false;
  let at = first.length;
  // Leftmost placement of each middle piece leaves the most room for the rest.
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return text.length - last.length >= at && text.endsWith(last);
}
