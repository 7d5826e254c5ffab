import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * The host side of the `bcrypt` and `crypto` modules custom database scripts may require (the
 * guest side is guest-crypto.ts). The guest sends an operation's name and its arguments as JSON
 * and gets JSON back, or bytes (which the bridge hands over as an ArrayBuffer). Bytes the guest
 * sends cross as latin1 strings (one character per byte). Everything the guest sends is checked
 * here: the guest side shares its realm with the script, so it is not trusted.
 *
 * CPU per call is bounded (sizes, bcrypt cost, PBKDF2 iterations): a synchronous call runs inside
 * the sandbox's hard deadline (it cannot be interrupted by QuickJS, but the watchdog stops it);
 * asynchronous ones run one at a time and never start after the run has ended (session.ts).
 */
export const MAX_MODULE_BYTES = 1024 * 1024;
export const MAX_BCRYPT_COST = 14;
export const MAX_PBKDF2_ITERATIONS = 1_000_000;
export const MAX_PBKDF2_KEYLEN = 1024;
export const MAX_RANDOM_BYTES = 65_536;
/** bcrypt uses the first 72 bytes; longer input only costs memory. */
const MAX_PASSWORD_CHARS = 4096;

export const DIGESTS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
const ENCODINGS = ['utf8', 'utf-8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii'] as const;
type Encoding = (typeof ENCODINGS)[number];

/** What an operation answers: bytes, a string or a plain value. */
export type ModuleResult = { bytes: Uint8Array } | { s: string } | { v: boolean };

/** An error the script sees under this name and message (never a host stack trace). */
export class ModuleError extends Error {
  constructor(name: 'Error' | 'TypeError' | 'RangeError', message: string) {
    super(message);
    this.name = name;
  }
}

const typeError = (message: string) => new ModuleError('TypeError', message);
const rangeError = (message: string) => new ModuleError('RangeError', message);

type Args = Record<string, unknown>;

const SYNC: Record<string, (a: Args) => ModuleResult> = {
  encode: (a) => ({ s: bytesOf(a.data, 'data').toString(encodingOf(a.encoding) ?? 'utf8') }),
  decode: (a) => bytes(bytesOf(a.data, 'data')),
  digest: (a) => {
    const alg = digestOf(a.alg);
    const h = a.key === undefined ? createHash(alg) : createHmac(alg, bytesOf(a.key, 'key'));
    const parts = Array.isArray(a.parts) ? a.parts : [];
    let size = 0;
    for (const [i, part] of parts.entries()) {
      const data = bytesOf(part, `data ${i}`);
      size += data.length;
      if (size > MAX_MODULE_BYTES) throw rangeError(`at most ${MAX_MODULE_BYTES} bytes can be hashed`);
      h.update(data);
    }
    const encoding = encodingOf(a.encoding);
    const digest = h.digest();
    return encoding ? { s: digest.toString(encoding) } : bytes(digest);
  },
  randomBytes: (a) => bytes(randomBytes(integer(a.size, 'size', 0, MAX_RANDOM_BYTES))),
  randomUUID: () => ({ s: randomUUID() }),
  timingSafeEqual: (a) => {
    const [x, y] = [bytesOf(a.a, 'a'), bytesOf(a.b, 'b')];
    if (x.length !== y.length) throw rangeError('Input buffers must have the same byte length');
    return { v: timingSafeEqual(x, y) };
  },
  pbkdf2: (a) => {
    const p = pbkdf2Args(a);
    return bytes(pbkdf2Sync(p.password, p.salt, p.iterations, p.keylen, p.digest));
  },
  'bcrypt.genSalt': (a) => ({ s: bcrypt.genSaltSync(rounds(a.rounds)) }),
  'bcrypt.hash': (a) => ({ s: bcrypt.hashSync(password(a.data), saltOf(a.salt)) }),
  // As bcryptjs: a hash that is not one compares false (a legacy row with no hash is not an error).
  'bcrypt.compare': (a) => ({ v: isHash(a.hash) && bcrypt.compareSync(password(a.data), a.hash) }),
  'bcrypt.getRounds': (a) => ({ s: String(bcryptCost(a.hash)) }),
};

/** Synchronous forms: hashSync, createHash(...).digest(), randomBytes(n), ... */
export function callModule(op: string, args: unknown): ModuleResult {
  const fn = Object.hasOwn(SYNC, op) ? SYNC[op] : undefined;
  if (!fn || typeof args !== 'object' || args === null) throw typeError(`unknown module operation ${op.slice(0, 50)}`);
  return fn(args as Args);
}

const ASYNC = new Set(['pbkdf2', 'bcrypt.genSalt', 'bcrypt.hash', 'bcrypt.compare', 'randomBytes']);

/**
 * Asynchronous forms (callbacks and promises). PBKDF2 runs on libuv's thread pool; bcrypt (pure
 * JavaScript) runs its synchronous form on a later turn, so the event loop (and the run's
 * deadline timer) are not held for longer than one bounded call.
 */
export function callModuleAsync(op: string, args: unknown): Promise<ModuleResult> {
  if (!ASYNC.has(op)) return Promise.reject(typeError(`unknown module operation ${op.slice(0, 50)}`));
  if (op === 'pbkdf2') {
    try {
      const p = pbkdf2Args(args as Args);
      return new Promise((resolve, reject) =>
        pbkdf2(p.password, p.salt, p.iterations, p.keylen, p.digest, (error, key) => (error ? reject(error) : resolve(bytes(key)))),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(callModule(op, args));
      } catch (error) {
        reject(error);
      }
    }),
  );
}

const bytes = (b: Buffer): ModuleResult => ({ bytes: b });

/** A value from the guest: `{b}` bytes as latin1, or `{s, e?}` a string in an encoding (utf8 by default). */
function bytesOf(v: unknown, what: string): Buffer {
  if (typeof v === 'object' && v !== null) {
    const { b, s, e } = v as { b?: unknown; s?: unknown; e?: unknown };
    if (typeof b === 'string' && b.length <= MAX_MODULE_BYTES) return Buffer.from(b, 'latin1');
    if (typeof s === 'string' && s.length <= MAX_MODULE_BYTES) return Buffer.from(s, encodingOf(e) ?? 'utf8');
    if (typeof b === 'string' || typeof s === 'string') throw rangeError(`the ${what} argument is larger than ${MAX_MODULE_BYTES} bytes`);
  }
  throw typeError(`The "${what}" argument must be of type string or an instance of Uint8Array`);
}

function encodingOf(v: unknown): Encoding | undefined {
  if (v === undefined || v === null) return undefined;
  const name = String(v).toLowerCase();
  const found = ENCODINGS.find((e) => e === name);
  if (!found) throw typeError(`Unknown encoding: ${String(v).slice(0, 50)}`);
  return found;
}

function digestOf(v: unknown): (typeof DIGESTS)[number] {
  const name = typeof v === 'string' ? v.toLowerCase().replace(/^sha-/, 'sha') : '';
  const found = DIGESTS.find((d) => d === name);
  if (!found) throw new ModuleError('Error', `Digest method not supported: ${String(v).slice(0, 50)} (supported: ${DIGESTS.join(', ')})`);
  return found;
}

function integer(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(`The "${what}" argument must be an integer`);
  if (v < min || v > max) throw rangeError(`The "${what}" argument must be between ${min} and ${max}; got ${v}`);
  return v;
}

function pbkdf2Args(a: Args) {
  return {
    password: bytesOf(a.password, 'password'),
    salt: bytesOf(a.salt, 'salt'),
    iterations: integer(a.iterations, 'iterations', 1, MAX_PBKDF2_ITERATIONS),
    keylen: integer(a.keylen, 'keylen', 0, MAX_PBKDF2_KEYLEN),
    digest: digestOf(a.digest),
  };
}

function password(v: unknown): string {
  if (typeof v !== 'string') throw new ModuleError('Error', 'data and salt arguments required; data must be a string');
  if (v.length > MAX_PASSWORD_CHARS) throw rangeError(`bcrypt data is longer than ${MAX_PASSWORD_CHARS} characters`);
  return v;
}

/** bcrypt's cost factor: 2^cost rounds; above MAX_BCRYPT_COST one call would eat seconds of the budget. */
function rounds(v: unknown): number {
  if (v === undefined || v === null) return 10;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError('bcrypt rounds must be an integer');
  if (v > MAX_BCRYPT_COST) throw rangeError(`bcrypt cost factor ${v} is above the sandbox's limit of ${MAX_BCRYPT_COST}`);
  return v;
}

const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const SALT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{22}/;

function bcryptCost(v: unknown, pattern = SALT): number {
  const m = typeof v === 'string' ? pattern.exec(v) : null;
  if (!m) throw new ModuleError('Error', 'Invalid bcrypt salt or hash');
  return Number(m[1]);
}

function saltOf(v: unknown): string | number {
  if (typeof v === 'number') return rounds(v);
  if (typeof v !== 'string') throw new ModuleError('Error', 'data and salt arguments required');
  rounds(bcryptCost(v));
  return v;
}

/** A bcrypt hash within the cost limit; a string that is not a bcrypt hash is not one (compares false). */
function isHash(v: unknown): v is string {
  if (typeof v !== 'string') throw new ModuleError('Error', 'data and hash arguments required');
  if (!BCRYPT.test(v)) return false;
  rounds(bcryptCost(v, BCRYPT));
  return true;
}
