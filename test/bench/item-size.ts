import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's item size as its developer guide defines it (what capacity units are charged on):
 * attribute names plus values; strings and binaries by byte length, numbers about one byte per two
 * significant digits plus one, booleans and nulls one byte, maps and lists 3 bytes plus one byte per
 * element. Sets count each member. It is an estimate in the same way AWS's own calculators are.
 */
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** Trailing zeros are trimmed after a decimal point only (DynamoDB Local charges `250` as 3 digits). */
function numberSize(n: string): number {
  const [whole = '', fraction = ''] = n.replace(/^[-+]/, '').replace(/[eE].*$/, '').split('.');
  const digits = `${whole}${fraction.replace(/0+$/, '')}`.replace(/^0+/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + utf8(k) + valueSize(v) + 1, 0);
  }
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + valueSize(v) + 1, 0);
  return 0;
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}
