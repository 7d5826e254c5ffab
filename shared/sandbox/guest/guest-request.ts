/**
 * Guest code: the `request` module of custom database scripts (in the closure of
 * guest-modules.ts), the request package's common surface built on the sandbox's fetch bridge, so
 * it has fetch's network policy, its 50-call cap and its redirects. What it does not offer:
 * streams, pipe, cookie jars, `.on()`.
 */
export const GUEST_REQUEST = String.raw`
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
`;
