/**
 * Guest code, shared part: runs inside QuickJS as the body of `function (host, inputJson)` (see
 * guest-source.ts), before the rules or the one action of its context. It gives guest code its
 * globals (`configuration`, `global`, `UnauthorizedError`, `console`, `auth0`, `fetch`,
 * `setTimeout`, `require`), records metadata patches and reports the context's outcome. It is
 * JavaScript in a string because it runs in the sandbox, not in Node.
 *
 * Each context starts from JSON state the host passes in (the metadata patches and token claims
 * of the contexts before it) and reports the state it leaves as JSON: nothing else crosses from
 * the rules' context to an action's, or from one action's to the next (run-login.ts).
 *
 * Built-ins it relies on are captured first, so guest code that replaces `JSON.stringify` or
 * `Promise.prototype.then` cannot change how outcomes are reported. The limits that protect the
 * host (time, memory, log size, fetch and timer counts) are enforced on the host side, not here.
 */
export const GUEST_RUNTIME = String.raw`
const { stringify, parse } = JSON;
const { freeze, create, defineProperty, keys } = Object;
const isArray = Array.isArray;
const apply = Reflect.apply;
const then = Promise.prototype.then;
const PromiseCtor = Promise;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const globalEval = eval; // called indirectly: scripts compile in the global scope, sloppy, without this closure
const G = globalThis;
const input = parse(inputJson);
const resolved = PromiseCtor.resolve();

let step = null; // { kind: 'rule' | 'action', name } now running
let settled = false; // the outcome has been reported; nothing after it counts

function later(fn) { apply(then, resolved, [fn]); }
function isObject(v) { return typeof v === 'object' && v !== null && !isArray(v); }
function setOwn(o, k, v) { defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true }); }
function toJson(v) { const s = stringify(v); return s === undefined ? undefined : parse(s); }
function jsonObject(v) { const j = isObject(v) ? toJson(v) : undefined; return isObject(j) ? j : {}; }

function describe(e) {
  try {
    if (e instanceof ErrorCtor || (isObject(e) && typeof e.message === 'string')) {
      const name = typeof e.name === 'string' && e.name ? e.name : 'Error';
      return e.message ? name + ': ' + e.message : name;
    }
    return String(e);
  } catch (_) {
    return 'an error that cannot be described';
  }
}

function enter(kind, name) { step = { kind, name }; host.enter(kind, name); return step; }
function finish(result) {
  if (settled) return;
  let json;
  try { json = stringify(result); } catch (e) { json = stringify({ outcome: 'error', kind: 'result', step, message: describe(e) }); }
  settled = true;
  host.finish(json);
}
function fail(at, kind, message) { finish({ outcome: 'error', kind, step: at, message }); }
// An async rule or timer callback that rejects fails its rule (as an uncaught error would in Node).
function failOnRejection(at, result) {
  if (result instanceof PromiseCtor) apply(then, result, [undefined, (e) => { if (at) fail(at, 'threw', describe(e)); }]);
}

// console: one host call per line; the host bounds lines and their length.
let logged = 0;
function show(v) {
  if (typeof v === 'string') return v;
  if (v instanceof ErrorCtor) return describe(v);
  try { const j = stringify(v); return j === undefined ? String(v) : j; } catch (_) { try { return String(v); } catch (__) { return '[value]'; } }
}
function logger(level) {
  return function () {
    if (logged > 100) return;
    logged += 1;
    let text = '';
    for (let i = 0; i < arguments.length; i += 1) text += (i ? ' ' : '') + show(arguments[i]);
    host.log(step ? step.name : 'sandbox', level, text.length > 1000 ? text.slice(0, 1000) : text);
  };
}

// Timers: the host sleeps; the callback runs here. A throwing callback fails the rule that set it.
let timerIds = 0;
function setTimeout(fn, ms, ...args) {
  if (typeof fn !== 'function') throw new TypeErrorCtor('setTimeout needs a function');
  const id = (timerIds += 1);
  const at = step;
  apply(then, host.sleep(id, Number(ms) || 0), [function (fired) {
    if (!fired || settled) return;
    try { failOnRejection(at, apply(fn, undefined, args)); } catch (e) { if (at) fail(at, 'threw', describe(e)); }
  }]);
  return id;
}
function clearTimeout(id) { if (typeof id === 'number') host.cancel(id); }

// fetch: the request crosses as JSON; the response comes back as JSON with the body as text.
function headersOf(init) {
  const out = {};
  const h = init && init.headers;
  const pairs = isArray(h) ? h : isObject(h) ? keys(h).map((k) => [k, h[k]]) : [];
  for (const [k, v] of pairs) setOwn(out, String(k), String(v));
  return out;
}
function toResponse(json) {
  const r = parse(json);
  const headers = create(null);
  for (const [k, v] of r.headers) headers[k.toLowerCase()] = v;
  let used = false;
  const take = () => { if (used) throw new TypeErrorCtor('Body has already been read'); used = true; return r.body; };
  return freeze({
    url: r.url, status: r.status, statusText: r.statusText, redirected: r.redirected,
    ok: r.status >= 200 && r.status < 300,
    headers: freeze({ get: (n) => headers[String(n).toLowerCase()] ?? null, has: (n) => String(n).toLowerCase() in headers }),
    text: async () => take(),
    json: async () => parse(take()),
  });
}
function fetch(resource, init) {
  try {
    const body = init && init.body;
    if (body !== undefined && body !== null && typeof body !== 'string') throw new TypeErrorCtor('fetch: only string bodies are supported');
    const request = {
      url: String(resource),
      method: init && init.method ? String(init.method).toUpperCase() : 'GET',
      headers: headersOf(init),
      body: typeof body === 'string' ? body : undefined,
    };
    return apply(then, host.fetch(stringify(request)), [toResponse]);
  } catch (e) {
    return PromiseCtor.reject(e);
  }
}

function require(name) {
  const error = new ErrorCtor("Cannot find module '" + String(name) + "'");
  error.code = 'MODULE_NOT_FOUND';
  throw error;
}

function UnauthorizedError(message) {
  if (!new.target) return new UnauthorizedError(message);
  defineProperty(this, 'message', { value: message === undefined ? '' : String(message), writable: true, configurable: true });
}
UnauthorizedError.prototype = create(ErrorCtor.prototype, {
  constructor: { value: UnauthorizedError, writable: true, configurable: true },
  name: { value: 'UnauthorizedError', writable: true, configurable: true },
});
freeze(UnauthorizedError);

// Metadata: Auth0 merge patches (top-level keys set, null deletes, {} clears), merged in call order,
// continuing the patches of the contexts that ran before this one.
function patched(base, patch) {
  const out = jsonObject(base);
  if (patch) for (const k of keys(patch)) { if (patch[k] === null) delete out[k]; else setOwn(out, k, patch[k]); }
  return out;
}
const patches = { user: isObject(input.patches.user) ? input.patches.user : null, app: isObject(input.patches.app) ? input.patches.app : null };
const current = { user: patched(input.user.user_metadata, patches.user), app: patched(input.user.app_metadata, patches.app) };
/**
 * An action's api.user.setUserMetadata / setAppMetadata (post-login and pre-user-registration):
 * one key each, batched into the store's patch; null or undefined removes the key.
 */
function metadataSetter(store, api) {
  return function (key, value) {
    if (typeof key !== 'string' || key === '') throw new TypeErrorCtor('the metadata key must be a non-empty string');
    const json = value === undefined ? null : toJson(value);
    if (json === undefined) throw new TypeErrorCtor('the metadata value must be JSON (or null to remove the key)');
    const patch = {};
    setOwn(patch, key, json);
    record(store, patch);
    return api;
  };
}

function record(store, patch) {
  const target = patches[store] || (patches[store] = {});
  const names = keys(patch);
  if (names.length === 0) {
    for (const k of keys(current[store])) setOwn(target, k, null);
    current[store] = {};
    return;
  }
  for (const k of names) {
    setOwn(target, k, patch[k]);
    if (patch[k] === null) delete current[store][k]; else setOwn(current[store], k, patch[k]);
  }
}
function userNow() {
  const user = toJson(input.user);
  user.user_metadata = toJson(current.user);
  user.app_metadata = toJson(current.app);
  return user;
}
function updater(store) {
  return function (userId, metadata, callback) {
    let result;
    try {
      const id = isObject(userId) ? userId.id : userId;
      // A user being registered has no id yet: nothing matches it.
      if (typeof input.user.user_id !== 'string' || id !== input.user.user_id) throw new ErrorCtor('auth0.users can only update the user who is logging in');
      if (!isObject(metadata)) throw new TypeErrorCtor('the metadata must be an object');
      record(store, toJson(metadata));
      result = PromiseCtor.resolve(userNow());
    } catch (e) {
      result = PromiseCtor.reject(e);
    }
    if (typeof callback === 'function') apply(then, result, [(u) => callback(null, u), (e) => callback(e)]);
    return result;
  };
}

// The state this context leaves; 'allow' from the rules' context or an action means "go on".
function conclude(outcome, reason, claims) {
  const result = { outcome };
  if (outcome === 'deny') result.reason = reason;
  if (patches.user && keys(patches.user).length) result.userMetadata = patches.user;
  if (patches.app && keys(patches.app).length) result.appMetadata = patches.app;
  result.idTokenClaims = claims.id;
  result.accessTokenClaims = claims.access;
  finish(result);
}

function define(name, value, writable) { defineProperty(G, name, { value, writable, configurable: false, enumerable: false }); }
define('configuration', freeze(jsonObject(input.configuration)), false);
define('global', G, true);
define('UnauthorizedError', UnauthorizedError, false);
define('console', freeze({ log: logger('log'), info: logger('info'), warn: logger('warn'), error: logger('error'), debug: logger('log') }), true);
define('auth0', freeze({ domain: input.domain, users: freeze({ updateUserMetadata: updater('user'), updateAppMetadata: updater('app') }) }), false);
define('fetch', fetch, true);
define('setTimeout', setTimeout, true);
define('clearTimeout', clearTimeout, true);
define('require', require, true);
`;
