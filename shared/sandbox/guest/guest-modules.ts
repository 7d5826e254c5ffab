import { GUEST_CRYPTO } from '#shared/sandbox/guest/guest-crypto';
import { GUEST_REQUEST } from '#shared/sandbox/guest/guest-request';

/**
 * Guest code: the modules a custom database script may `require` (after guest-runtime.ts, in the
 * same closure). `request` is built on the sandbox's fetch bridge (same network policy, same
 * 50-call cap, redirects followed as fetch follows them); `bcrypt` and `crypto` call the host
 * (modules/host-modules.ts) through two bridge functions: `host.call` (synchronous forms) and
 * `host.task` (callbacks and promises, tracked like fetch). Bytes go to the host as latin1
 * strings and come back as ArrayBuffers.
 *
 * A callback a module calls runs like the script's own code: if it throws (or its promise
 * rejects) the script fails.
 */
export const MODULE_NAMES = ['bcrypt', 'bcryptjs', 'crypto', 'request'] as const;

const GUEST_HELPERS = String.raw`
const U8 = Uint8Array;
const ArrayBufferCtor = ArrayBuffer;
const isView = ArrayBuffer.isView;
const fromCharCode = String.fromCharCode;
const encodeComponent = encodeURIComponent;
const min = Math.min;

// A module's callback: its throw or rejection fails the script, as an uncaught error would in Node.
function callBack(cb, args) {
  try { failOnRejection(step, apply(cb, undefined, args)); } catch (e) { fail(step, 'threw', describe(e)); }
}
function settle(promise, cb) {
  apply(then, promise, [(v) => callBack(cb, [null, v]), (e) => callBack(cb, [e])]);
}

// ---- bytes: what a digest without an encoding returns (a Uint8Array with Buffer's toString) ----
function latin1Of(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 8192) s += apply(fromCharCode, undefined, new U8(u8.buffer, u8.byteOffset + i, min(8192, u8.length - i)));
  return s;
}
class Bytes extends U8 {
  toString(encoding) { return hostCall('encode', { data: { b: latin1Of(this) }, encoding: encoding === undefined ? 'utf8' : encoding }); }
  equals(other) {
    if (!(other instanceof U8) || other.length !== this.length) return false;
    for (let i = 0; i < this.length; i += 1) if (this[i] !== other[i]) return false;
    return true;
  }
  toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
}
/** A value for the host: a string (in an encoding, utf8 by default) or bytes. */
function part(data, encoding, what) {
  if (typeof data === 'string') return encoding === undefined || encoding === null ? { s: data } : { s: data, e: String(encoding) };
  if (data instanceof U8) return { b: latin1Of(data) };
  if (data instanceof ArrayBufferCtor) return { b: latin1Of(new U8(data)) };
  if (isView(data)) return { b: latin1Of(new U8(data.buffer, data.byteOffset, data.byteLength)) };
  throw new TypeErrorCtor('The "' + what + '" argument must be of type string or an instance of Uint8Array');
}
// The host answers bytes as an ArrayBuffer, anything else as JSON: { s: string } or { v: value }.
function fromHost(r) {
  if (r instanceof ArrayBufferCtor) {
    // Copied into the guest's heap, where the memory cap counts it (the host's buffer is not counted, and is freed now).
    const out = new Bytes(r.byteLength);
    out.set(new U8(r));
    return out;
  }
  const j = parse(r);
  return typeof j.s === 'string' ? j.s : j.v;
}
function hostCall(op, args) { return fromHost(host.call(op, stringify(args))); }
function hostTask(op, args) {
  try { return apply(then, host.task(op, stringify(args)), [fromHost]); } catch (e) { return PromiseCtor.reject(e); }
}
function lastFunction(args) {
  for (let i = args.length - 1; i >= 0; i -= 1) if (typeof args[i] === 'function') return args[i];
  return undefined;
}
function promiseOrCallback(promise, cb) {
  if (typeof cb !== 'function') return promise;
  settle(promise, cb);
  return undefined;
}

// A small Buffer for scripts written for Node (Buffer.from(hash, 'base64') and the like): the same
// bytes class, with the constructors scripts use most. Not Node's whole Buffer.
function bytesOfArray(list) {
  const out = new Bytes(list.length);
  for (let i = 0; i < list.length; i += 1) out[i] = list[i];
  return out;
}
const BufferLike = freeze({
  from(value, encoding) {
    if (typeof value === 'string') return hostCall('decode', { data: part(value, encoding, 'value') });
    if (value instanceof U8 || isArray(value)) return bytesOfArray(value);
    if (value instanceof ArrayBufferCtor) return bytesOfArray(new U8(value));
    throw new TypeErrorCtor('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array');
  },
  alloc(size) { return new Bytes(size); },
  isBuffer: (v) => v instanceof Bytes,
  byteLength: (v, encoding) => (typeof v === 'string' ? BufferLike.from(v, encoding).length : v.byteLength),
  concat(list) {
    let size = 0;
    for (const b of list) size += b.length;
    const out = new Bytes(size);
    let at = 0;
    for (const b of list) { out.set(b, at); at += b.length; }
    return out;
  },
});
define('Buffer', BufferLike, true);
`;

const GUEST_REQUIRE = String.raw`
const MODULES = { bcrypt: bcryptModule, bcryptjs: bcryptModule, crypto: cryptoModule, request: requestModule };
// Auth0's scripts may pin a version (require('request@2.81.0')): the version is ignored.
function requireModule(name) {
  const id = String(name).replace(/^([^@]+)@[^/]*$/, '$1');
  if (id === 'bcrypt' || id === 'bcryptjs' || id === 'crypto' || id === 'request') return MODULES[id];
  const error = new ErrorCtor("Cannot find module '" + String(name) + "'. Custom database scripts may require: ${MODULE_NAMES.join(', ')}");
  error.code = 'MODULE_NOT_FOUND';
  throw error;
}
`;

export const GUEST_MODULES = GUEST_HELPERS + GUEST_CRYPTO + GUEST_REQUEST + GUEST_REQUIRE;
