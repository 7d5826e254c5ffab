import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JANE, startLegacyStore, type LegacyStore } from '#infra/local/legacy-store/server';
import type { CustomDbScriptName } from '#shared/sandbox/contract';
import type { JsonValue } from '#shared/platform/json';
import { allowingHosts, type NetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { failed, runScript } from '#test/unit/extensions/custom-db-input';

/**
 * The modules custom database scripts may require: `request` against a loopback server (allowed
 * as an operator would, through the allow-list), the lead's Auth0-style scripts against the
 * loopback legacy store, and `bcrypt` and `crypto` checked against Node's own.
 */
let server: Server;
let base: string;
let local: NetworkPolicy;

function respond(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/json') return res.writeHead(200, { 'content-type': 'application/json', 'x-test': 'yes' }).end('{"hello":"world"}');
    if (url.pathname === '/text') return res.writeHead(200, { 'content-type': 'text/plain' }).end('not json');
    if (url.pathname === '/slow') return; // never answered
    res.writeHead(201, { 'content-type': 'application/json' }).end(
      JSON.stringify({ method: req.method, path: url.pathname, query: url.search, body, type: req.headers['content-type'] ?? null, accept: req.headers.accept ?? null, auth: req.headers.authorization ?? null, custom: req.headers['x-custom'] ?? null }),
    );
  });
}

beforeAll(async () => {
  server = createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local = allowingHosts([new URL(base).host]);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const done = (value: unknown) => ({ outcome: 'done', value, logs: [] });
/** A login script that runs `call` (which ends by calling `report(value)`). */
const reporting = (call: string) => `function login(email, password, callback) {
  var request = require('request');
  function report(v) { callback(null, v); }
  ${call}
}`;
const login = (source: string, policy = local) => runScript('login', source, ['a@b.c', 'pw'], policy, { configuration: { BASE_URL: base, API_KEY: 'k' } });

describe('require("request")', () => {
  it('gets JSON with json: true, with the response\'s status, headers and parsed body', async () => {
    const source = reporting(`request({ url: configuration.BASE_URL + '/json', json: true }, function (err, response, body) {
      report([err, response.statusCode, response.headers['x-test'], body.hello, response.body.hello, typeof body]);
    });`);
    expect(await login(source)).toEqual(done([null, 200, 'yes', 'world', 'world', 'object']));
  });

  it('posts a JSON object given as json, with bearer auth, qs and headers', async () => {
    const source = reporting(`request.post({ url: configuration.BASE_URL + '/echo', qs: { email: 'a+b@c.d', n: [1, 2] }, auth: { bearer: configuration.API_KEY }, headers: { 'X-Custom': 'c' }, json: { email: email } }, function (err, response, body) {
      report([response.statusCode, body]);
    });`);
    expect(await login(source)).toEqual(
      done([201, { method: 'POST', path: '/echo', query: '?email=a%2Bb%40c.d&n=1&n=2', body: '{"email":"a@b.c"}', type: 'application/json', accept: 'application/json', auth: 'Bearer k', custom: 'c' }]),
    );
  });

  it('sends a form, basic auth, a string body, and every verb', async () => {
    const source = reporting(`var seen = [];
    function add(err, res, body) { seen.push(JSON.parse(body)); if (seen.length === 6) report(seen.map(function (s) { return [s.method, s.type, s.body, s.auth]; })); }
    request.put({ uri: configuration.BASE_URL + '/a', form: { a: '1 2', b: 'é' }, auth: { user: 'u', pass: 'p' } }, add);
    request.patch(configuration.BASE_URL + '/b', { body: 'raw', headers: { 'content-type': 'text/plain' } }, add);
    request.del(configuration.BASE_URL + '/c', add);
    request.delete({ url: configuration.BASE_URL + '/d', auth: { username: 'x', password: 'y' } }, add);
    request.get(configuration.BASE_URL + '/e', add);
    request(configuration.BASE_URL + '/f', { method: 'post', body: '{}' }, add);`);
    const output = await login(source);
    expect(output).toMatchObject({ outcome: 'done' });
    expect(new Set((output as { value: JsonValue[] }).value.map((v) => JSON.stringify(v)))).toEqual(
      new Set(
        [
          ['PUT', 'application/x-www-form-urlencoded', 'a=1%202&b=%C3%A9', `Basic ${Buffer.from('u:p').toString('base64')}`],
          ['PATCH', 'text/plain', 'raw', null],
          ['DELETE', null, '', null],
          ['DELETE', null, '', `Basic ${Buffer.from('x:y').toString('base64')}`],
          ['GET', null, '', null],
          ['POST', null, '{}', null],
        ].map((v) => JSON.stringify(v)),
      ),
    );
  });

  it('leaves a body that is not JSON as text, and gives a string body without json', async () => {
    const source = reporting(`request.get({ url: configuration.BASE_URL + '/text', json: true }, function (err, res, body) {
      request.get(configuration.BASE_URL + '/json', function (err2, res2, body2) { report([body, typeof body2, body2]); });
    });`);
    expect(await login(source)).toEqual(done(['not json', 'string', '{"hello":"world"}']));
  });

  it('calls back with an error for a refused connection, a timeout and a missing url', async () => {
    const source = reporting(`var out = [];
    request.get('http://127.0.0.1:1/x', function (err) { out.push(err.message);
      request.get({ url: configuration.BASE_URL + '/slow', timeout: 50 }, function (err2) { out.push(err2.code);
        request.get({}, function (err3) { out.push(err3.message); report(out); });
      });
    });`);
    const output = await login(source, allowingHosts([new URL(base).host, '127.0.0.1:1']));
    expect(output).toMatchObject({ outcome: 'done' });
    const [refused, timedOut, missing] = (output as { value: string[] }).value;
    expect(refused).toMatch(/^fetch failed: connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect([timedOut, missing]).toEqual(['ETIMEDOUT', 'options.uri is a required argument']);
  });

  it('fails the script when its request callback throws', async () => {
    const source = reporting(`request.get(configuration.BASE_URL + '/json', function () { throw new Error('in the callback'); });`);
    expect(await login(source)).toEqual(failed('login', "Script 'login' failed: Error: in the callback"));
  });

  it('merges request.defaults', async () => {
    const source = reporting(`var r = request.defaults({ baseUrl: configuration.BASE_URL, headers: { 'x-custom': 'd' }, json: true });
    r.post({ url: '/p', body: { a: 1 } }, function (err, res, body) { report([body.path, body.custom, body.body]); });`);
    expect(await login(source)).toEqual(done(['/p', 'd', '{"a":1}']));
  });
});

describe('the lead\'s Auth0-style scripts against the legacy store', () => {
  let store: LegacyStore;
  let policy: NetworkPolicy;
  const script = (file: string) => readFileSync(new URL(`../../../infra/local/legacy-store/scripts/${file}`, import.meta.url), 'utf8');
  const run = (name: CustomDbScriptName, file: string, args: JsonValue[]) =>
    runScript(name, script(file), args, policy, { configuration: { BASE_URL: store.url, API_KEY: store.apiKey } });

  beforeAll(async () => {
    store = await startLegacyStore({ users: [JANE] });
    policy = allowingHosts([new URL(store.url).host]);
  });
  afterAll(() => store.stop());

  const jane = { user_id: '1001', email: 'jane.doe@example.com', email_verified: true, name: 'Jane Doe', user_metadata: { hobby: 'surfing' }, metadata: { plan: 'full' } };

  it('logs Jane in (the store checks the password), and refuses a wrong password', async () => {
    expect(await run('login', 'login.js', [JANE.email, JANE.password])).toEqual(done({ ...jane, given_name: 'Jane', family_name: 'Doe' }));
    expect(await run('login', 'login.js', [JANE.email, 'wrong'])).toEqual({
      outcome: 'refused', error: { name: 'WrongUsernameOrPasswordError', message: '' }, logs: [],
    });
  });

  it('logs Jane in with bcrypt in the script, and refuses a wrong password', async () => {
    expect(await run('login', 'login-bcrypt.js', [JANE.email, JANE.password])).toEqual(done(jane));
    expect(await run('login', 'login-bcrypt.js', [JANE.email, 'wrong'])).toMatchObject({ outcome: 'refused' });
    expect(await run('login', 'login-bcrypt.js', ['nobody@example.com', 'x'])).toMatchObject({ outcome: 'refused' });
  });

  it('finds a user by email, or answers null', async () => {
    expect(await run('get_user', 'get_user.js', [JANE.email])).toEqual(done(jane));
    expect(await run('get_user', 'get_user.js', ['nobody@example.com'])).toEqual(done(null));
  });

  it('creates, verifies, changes the password and email of, and deletes a user', async () => {
    const user = { email: 'new@example.com', password: 'Pass-word-1', tenant: 'local', connection: 'legacy-db', user_metadata: { a: 1 }, metadata: { plan: 'trial' } };
    expect(await run('create', 'create.js', [user])).toEqual(done(null));
    expect(store.users.get('new@example.com')).toMatchObject({ metadata: { plan: 'trial' }, user_metadata: { a: 1 } });
    expect(await run('create', 'create.js', [user])).toEqual({
      outcome: 'refused', error: { name: 'ValidationError', code: 'user_exists', message: 'The user already exists.' }, logs: [],
    });
    expect(await run('verify', 'verify.js', ['new@example.com'])).toEqual(done(true));
    expect(await run('change_password', 'change_password.js', ['new@example.com', 'Other-pass-2'])).toEqual(done(true));
    expect(await run('login', 'login.js', ['new@example.com', 'Other-pass-2'])).toMatchObject({ outcome: 'done' });
    expect(await run('change_email', 'change_email.js', ['new@example.com', 'renamed@example.com', true])).toEqual(done(true));
    const id = store.users.get('renamed@example.com')!.id;
    expect(await run('delete', 'delete.js', [id])).toEqual(done(null));
    expect(store.users.has('renamed@example.com')).toBe(false);
  });

  it('fails with the store\'s answer when the API key is wrong', async () => {
    const output = await runScript('get_user', script('get_user.js'), [JANE.email], policy, { configuration: { BASE_URL: store.url, API_KEY: 'wrong' } });
    expect(output).toEqual(failed('get_user', "Script 'get_user' failed: Error: legacy store answered 401"));
  });
});

describe('require("bcrypt")', () => {
  const hash = bcrypt.hashSync('secret', 4);

  it('compares and hashes with callbacks, promises and the sync forms, as bcryptjs does', async () => {
    const source = reporting(`var b = require('bcrypt');
    b.compare(password, ${JSON.stringify(hash)}, function (err, same) {
      b.compare('other', ${JSON.stringify(hash)}).then(function (differs) {
        b.genSalt(5, function (err2, salt) {
          b.hash(password, salt).then(function (h) {
            report([same, differs, b.compareSync(password, ${JSON.stringify(hash)}), salt.slice(0, 7), h.slice(0, 7), b.compareSync(password, h), b.compareSync(password, b.hashSync(password, 4)), b.getRounds(h), b.compareSync(password, 'not a hash')]);
          });
        });
      });
    });`);
    const output = await runScript('login', source, ['a@b.c', 'secret'], local);
    expect(output).toEqual(done([true, false, true, '$2b$05$', '$2b$05$', true, true, 5, false]));
  });

  it('refuses a cost factor above 14, so one call cannot eat the budget', async () => {
    const source = reporting(`var b = require('bcrypt');
    var out = [];
    try { b.hashSync('x', 15); } catch (e) { out.push(e.name + ': ' + e.message); }
    b.hash('x', 20, function (err) { out.push(err.message); report(out); });`);
    expect(await login(source)).toEqual(
      done(["RangeError: bcrypt cost factor 15 is above the sandbox's limit of 14", "bcrypt cost factor 20 is above the sandbox's limit of 14"]),
    );
  });
});

describe('require("crypto")', () => {
  it('hashes and HMACs strings and bytes in every encoding, as Node does', async () => {
    const source = reporting(`var c = require('crypto');
    var raw = c.createHash('sha256').update('abc').digest();
    report([
      c.createHash('sha256').update('ab').update('c').digest('hex'),
      c.createHash('md5').update('abc', 'utf8').digest('base64'),
      c.createHash('SHA1').update('616263', 'hex').digest('hex'),
      c.createHmac('sha512', 'key').update(raw).digest('base64url'),
      raw instanceof Uint8Array, raw.length, raw.toString('hex'), raw.toString('base64'),
      c.getHashes().indexOf('sha256') >= 0,
    ]);`);
    const raw = createHash('sha256').update('abc').digest();
    expect(await login(source)).toEqual(
      done([
        raw.toString('hex'),
        createHash('md5').update('abc').digest('base64'),
        createHash('sha1').update('abc').digest('hex'),
        createHmac('sha512', 'key').update(raw).digest('base64url'),
        true, 32, raw.toString('hex'), raw.toString('base64'), true,
      ]),
    );
  });

  it('derives PBKDF2 keys synchronously and with a callback', async () => {
    const source = reporting(`var c = require('crypto');
    var sync = c.pbkdf2Sync(password, 'salt', 1000, 32, 'sha256').toString('hex');
    c.pbkdf2(password, 'salt', 1000, 32, 'sha256', function (err, key) { report([sync, key.toString('hex')]); });`);
    const expected = pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256').toString('hex');
    expect(await login(source)).toEqual(done([expected, expected]));
  });

  it('compares in constant time, gives random bytes and UUIDs', async () => {
    const source = reporting(`var c = require('crypto');
    var a = c.createHash('sha256').update('x').digest(), b = c.createHash('sha256').update('x').digest(), d = c.createHash('sha256').update('y').digest();
    var out = [c.timingSafeEqual(a, b), c.timingSafeEqual(a, d), c.timingSafeEqual('same', 'same'), c.randomBytes(16).length, /^[0-9a-f-]{36}$/.test(c.randomUUID())];
    try { c.timingSafeEqual(a, 'short'); } catch (e) { out.push(e.name + ': ' + e.message); }
    c.randomBytes(8, function (err, bytes) { out.push(bytes.length); report(out); });`);
    expect(await login(source)).toEqual(done([true, false, true, 16, true, 'RangeError: Input buffers must have the same byte length', 8]));
  });

  it('gives scripts a small Buffer for Node-style hash checks (from, concat, alloc, isBuffer, toString, equals)', async () => {
    const stored = pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256').toString('base64');
    const source = reporting(`var c = require('crypto');
    var expected = Buffer.from(${JSON.stringify(stored)}, 'base64');
    var actual = c.pbkdf2Sync(password, Buffer.from('73616c74', 'hex'), 1000, 32, 'sha256');
    report([
      c.timingSafeEqual(expected, actual), expected.equals(actual), Buffer.isBuffer(actual), Buffer.isBuffer('x'),
      Buffer.concat([Buffer.from('ab'), Buffer.from([99])]).toString(), Buffer.alloc(3).toString('hex'), Buffer.byteLength('é'),
      Buffer.from('héllo').toString('base64'), JSON.stringify(Buffer.from([1, 2])),
    ]);`);
    expect(await login(source)).toEqual(
      done([true, true, true, false, 'abc', '000000', 2, Buffer.from('héllo').toString('base64'), '{"type":"Buffer","data":[1,2]}']),
    );
  });

  it('refuses unknown algorithms, bad input and oversized work with Node-like errors', async () => {
    const source = reporting(`var c = require('crypto');
    var out = [];
    function attempt(f) { try { f(); out.push('no error'); } catch (e) { out.push(e.name + ': ' + e.message); } }
    attempt(function () { c.createHash('whirlpool'); });
    attempt(function () { c.createHash('sha256').update(42); });
    attempt(function () { c.createHash('sha256').update('x', 'klingon').digest(); });
    attempt(function () { var h = c.createHash('sha256'); h.digest(); h.digest(); });
    attempt(function () { c.randomBytes(1e9); });
    attempt(function () { c.pbkdf2Sync('p', 's', 1e7, 32, 'sha256'); });
    attempt(function () { c.createHash('sha256').update('x'.repeat(1024 * 1024 + 1)).digest(); });
    report(out);`);
    expect(await login(source)).toEqual(
      done([
        'Error: Digest method not supported: whirlpool (supported: md5, sha1, sha224, sha256, sha384, sha512)',
        'TypeError: The "data" argument must be of type string or an instance of Uint8Array',
        'TypeError: Unknown encoding: klingon',
        'Error: Digest already called',
        'RangeError: The "size" argument must be between 0 and 65536; got 1000000000',
        'RangeError: The "iterations" argument must be between 1 and 1000000; got 10000000',
        'RangeError: the data 0 argument is larger than 1048576 bytes',
      ]),
    );
  });
});
