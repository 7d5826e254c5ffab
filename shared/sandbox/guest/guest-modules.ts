import { DIGESTS } from '#shared/sandbox/guest/modules/host-modules';

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

export const GUEST_MODULES = String.raw`
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

// ---- crypto ----
const DIGESTS = ${JSON.stringify(DIGESTS)};
function hasher(alg, key) {
  const name = String(alg);
  hostCall('digest', { alg: name, key, parts: [] }); // an unknown algorithm throws here, as in Node
  const parts = [];
  let finished = false;
  const h = {
    update(data, encoding) {
      if (finished) throw new ErrorCtor('Digest already called');
      parts.push(part(data, encoding, 'data'));
      return h;
    },
    digest(encoding) {
      if (finished) throw new ErrorCtor('Digest already called');
      finished = true;
      return hostCall('digest', { alg: name, key, parts, encoding });
    },
  };
  return h;
}
function pbkdf2Args(password, salt, iterations, keylen, digest) {
  return { password: part(password, undefined, 'password'), salt: part(salt, undefined, 'salt'), iterations, keylen, digest };
}
const cryptoModule = freeze({
  createHash: (alg) => hasher(alg, undefined),
  createHmac: (alg, key) => hasher(alg, part(key, undefined, 'key')),
  randomBytes(size, cb) {
    if (typeof cb === 'function') return promiseOrCallback(hostTask('randomBytes', { size }), cb);
    return hostCall('randomBytes', { size });
  },
  randomUUID: () => hostCall('randomUUID', {}),
  timingSafeEqual: (a, b) => hostCall('timingSafeEqual', { a: part(a, undefined, 'buf1'), b: part(b, undefined, 'buf2') }),
  pbkdf2(password, salt, iterations, keylen, digest, cb) {
    if (typeof cb !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
    settle(hostTask('pbkdf2', pbkdf2Args(password, salt, iterations, keylen, digest)), cb);
  },
  pbkdf2Sync: (password, salt, iterations, keylen, digest) => hostCall('pbkdf2', pbkdf2Args(password, salt, iterations, keylen, digest)),
  getHashes: () => DIGESTS.slice(),
});

// ---- bcrypt (node.bcrypt.js and bcryptjs alike: callbacks, or promises without one) ----
const bcryptModule = freeze({
  genSaltSync: (rounds) => hostCall('bcrypt.genSalt', { rounds }),
  genSalt(...args) {
    const rounds = typeof args[0] === 'number' ? args[0] : undefined;
    return promiseOrCallback(hostTask('bcrypt.genSalt', { rounds }), lastFunction(args));
  },
  hashSync: (data, salt) => hostCall('bcrypt.hash', { data, salt }),
  hash: (data, salt, cb) => promiseOrCallback(hostTask('bcrypt.hash', { data, salt }), cb),
  compareSync: (data, hash) => hostCall('bcrypt.compare', { data, hash }),
  compare: (data, hash, cb) => promiseOrCallback(hostTask('bcrypt.compare', { data, hash }), cb),
  getRounds: (hash) => Number(hostCall('bcrypt.getRounds', { hash })),
});

// ---- request (the request package's common surface, on the fetch bridge) ----
function queryString(obj) {
  const out = [];
  for (const k of keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    for (const x of isArray(v) ? v : [v]) out.push(encodeComponent(k) + '=' + encodeComponent(x === null ? '' : String(x)));
  }
  return out.join('&');
}
function requestOf(o) {
  let url = o.url !== undefined ? o.url : o.uri;
  if (isObject(url) && typeof url.href === 'string') url = url.href;
  if (url === undefined || url === null || url === '') throw new ErrorCtor('options.uri is a required argument');
  url = String(url);
  if (o.baseUrl) url = String(o.baseUrl).replace(/\/$/, '') + '/' + url.replace(/^\//, '');
  if (isObject(o.qs)) {
    const q = queryString(o.qs);
    if (q) url += (url.indexOf('?') >= 0 ? '&' : '?') + q;
  }
  const headers = {};
  if (isObject(o.headers)) for (const k of keys(o.headers)) if (o.headers[k] !== undefined) setOwn(headers, k, String(o.headers[k]));
  const has = (name) => keys(headers).some((k) => k.toLowerCase() === name);
  const json = (value) => { if (!has('content-type')) headers['content-type'] = 'application/json'; return stringify(value); };
  let body;
  if (o.form !== undefined) {
    body = typeof o.form === 'string' ? o.form : queryString(isObject(o.form) ? o.form : {});
    if (!has('content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (o.json !== undefined && o.json !== null && typeof o.json !== 'boolean') {
    body = json(o.json);
  } else if (o.body !== undefined && o.body !== null) {
    if (typeof o.body === 'string') body = o.body;
    else if (o.json === true) body = json(o.body);
    else throw new TypeErrorCtor('request: the body must be a string (or any JSON value with json: true)');
  }
  if (o.json && !has('accept')) headers.accept = 'application/json';
  if (isObject(o.auth)) {
    const a = o.auth;
    if (a.bearer !== undefined) headers.authorization = 'Bearer ' + String(typeof a.bearer === 'function' ? a.bearer() : a.bearer);
    else {
      const user = a.user !== undefined ? a.user : a.username;
      const pass = a.pass !== undefined ? a.pass : a.password;
      const pair = String(user === undefined ? '' : user) + ':' + String(pass === undefined ? '' : pass);
      headers.authorization = 'Basic ' + hostCall('encode', { data: { s: pair }, encoding: 'base64' });
    }
  }
  return { url, method: o.method ? String(o.method).toUpperCase() : 'GET', headers, body };
}
function responseOf(r, o) {
  const headers = {};
  for (const [k, v] of r.headers) setOwn(headers, k.toLowerCase(), v);
  let body = r.body;
  if (o.json && body !== '') { try { body = parse(body); } catch (_) { /* not JSON: the text, as request does */ } }
  return { statusCode: r.status, statusMessage: r.statusText, headers, body, url: r.url, request: { uri: { href: r.url } } };
}
function send(o, cb) {
  let over = false;
  let timer;
  function done(err, res, body) {
    if (over) return;
    over = true;
    if (timer !== undefined) clearTimeout(timer);
    if (typeof cb === 'function') callBack(cb, res === undefined ? [err] : [err, res, body]);
  }
  let pending;
  try {
    pending = host.fetch(stringify(requestOf(o)));
  } catch (e) {
    later(() => done(e));
    return;
  }
  apply(then, pending, [(json) => { const res = responseOf(parse(json), o); done(null, res, res.body); }, (e) => done(e)]);
  const timeout = Number(o.timeout);
  if (timeout > 0) {
    timer = setTimeout(() => {
      const e = new ErrorCtor('ETIMEDOUT');
      e.code = 'ETIMEDOUT';
      done(e);
    }, timeout);
  }
}
function merged(defaults, o) {
  const out = {};
  for (const k of keys(defaults)) setOwn(out, k, defaults[k]);
  for (const k of keys(o)) setOwn(out, k, o[k]);
  if (isObject(defaults.headers) && isObject(o.headers)) {
    const h = {};
    for (const k of keys(defaults.headers)) setOwn(h, k, defaults.headers[k]);
    for (const k of keys(o.headers)) setOwn(h, k, o.headers[k]);
    out.headers = h;
  }
  return out;
}
function makeRequest(defaults) {
  // request(uri, cb) | request(uri, options, cb) | request(options, cb)
  function call(method, uri, options, cb) {
    if (typeof options === 'function') { cb = options; options = undefined; }
    let o = isObject(uri) ? merged({}, uri) : merged(isObject(options) ? options : {}, { uri });
    o = merged(defaults, o);
    if (method) o.method = method;
    send(o, cb);
  }
  const request = function (uri, options, cb) { call(undefined, uri, options, cb); };
  const verbs = { get: 'GET', head: 'HEAD', post: 'POST', put: 'PUT', patch: 'PATCH', del: 'DELETE', delete: 'DELETE' };
  for (const name of keys(verbs)) request[name] = (uri, options, cb) => call(verbs[name], uri, options, cb);
  request.defaults = (more) => makeRequest(merged(defaults, isObject(more) ? more : {}));
  return freeze(request);
}
const requestModule = makeRequest({});

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
