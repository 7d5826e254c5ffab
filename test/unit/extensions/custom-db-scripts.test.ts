import { describe, expect, it } from 'vitest';
import { failed, runScript } from '#test/unit/extensions/custom-db-input';

/**
 * Custom database scripts in the sandbox: the forms Auth0 accepts, the callback contract (the
 * callback decides), Auth0's two error constructors, and what a script sees.
 */
const JANE = { user_id: '1001', email: 'jane.doe@example.com' };
const LOGIN_ARGS = ['jane.doe@example.com', 'pw'];
const done = (value: unknown) => ({ outcome: 'done', value, logs: [] });

describe('custom database scripts: forms', () => {
  const body = `{ callback(null, { user_id: '1001', email: email }); }`;
  it.each([
    ['a named function', `function login(email, password, callback) ${body}`],
    ['an anonymous function', `function (email, password, callback) ${body}`],
    ['an async function', `async function login(email, password, callback) ${body}`],
    ['an arrow function', `(email, password, callback) => ${body}`],
    ['a function followed by a semicolon and a comment', `function login(email, password, callback) ${body};\n// done`],
    ['a program that defines helpers and the function', `const KEY = 1;\nfunction helper() { return KEY; }\nfunction login(email, password, callback) ${body}`],
    ['a program whose function is a const', `const login = function (email, password, callback) ${body};\nvar other = 2;`],
  ])('runs %s', async (_, source) => {
    expect(await runScript('login', source, LOGIN_ARGS)).toEqual(done(JANE));
  });

  it.each([
    ['get_user', 'getUser'],
    ['get_user', 'getByEmail'],
    ['delete', 'deleteUser'],
    ['delete', 'remove'],
    ['change_password', 'changePassword'],
    ['change_email', 'changeEmail'],
    ['verify', 'verify'],
    ['create', 'create'],
  ] as const)('finds %s by the name %s in a program', async (script, name) => {
    const source = `var calls = 0;\nfunction ${name}() { var cb = arguments[arguments.length - 1]; cb(null, arguments.length); }`;
    const args = { get_user: ['a@b.c'], delete: ['1001'], change_password: ['a@b.c', 'x'], change_email: ['a@b.c', 'd@e.f', true], verify: ['a@b.c'], create: [{ email: 'a@b.c' }] }[script];
    expect(await runScript(script, source, args)).toEqual(done(args.length + 1));
  });

  it('fails a program that defines no function of the script\'s names', async () => {
    expect(await runScript('login', 'function signIn(e, p, cb) { cb(null, {}); }\nvar x = 1;', LOGIN_ARGS)).toEqual(
      failed('login', "Script 'login' does not define a function"),
    );
    expect(await runScript('get_user', '42', ['a@b.c'])).toEqual(failed('get_user', "Script 'get_user' does not define a function"));
  });

  it('fails a script that does not parse, with the syntax error', async () => {
    const output = await runScript('login', 'function login(email, password, callback) { callback(null, {); }', LOGIN_ARGS);
    expect(output).toMatchObject({ outcome: 'error', source: 'login' });
    expect((output as { error: string }).error).toMatch(/^Script 'login' failed: SyntaxError: /);
  });
});

describe('custom database scripts: the callback decides', () => {
  it('answers done with the value as JSON, null when there is none', async () => {
    expect(await runScript('get_user', 'function (email, callback) { callback(null); }', ['a@b.c'])).toEqual(done(null));
    expect(await runScript('get_user', 'function (email, callback) { callback(); }', ['a@b.c'])).toEqual(done(null));
    expect(await runScript('verify', 'function (email, callback) { callback(null, false); }', ['a@b.c'])).toEqual(done(false));
    const dated = `function (email, password, callback) { callback(null, { user_id: 7, at: new Date(0), skip: undefined, f: function () {} }); }`;
    expect(await runScript('login', dated, LOGIN_ARGS)).toEqual(done({ user_id: 7, at: '1970-01-01T00:00:00.000Z' }));
  });

  it('waits for a callback made later (a timer, an async function)', async () => {
    const later = `function (email, password, callback) { setTimeout(function () { callback(null, { user_id: 'late' }); }, 50); }`;
    expect(await runScript('login', later, LOGIN_ARGS)).toEqual(done({ user_id: 'late' }));
    const awaited = `async function (email, password, callback) { await null; await new Promise(function (r) { setTimeout(r, 10); }); callback(null, { user_id: 'a' }); }`;
    expect(await runScript('login', awaited, LOGIN_ARGS)).toEqual(done({ user_id: 'a' }));
  });

  it('refuses with WrongUsernameOrPasswordError, with or without new and a message', async () => {
    const refused = (message: string) => ({ outcome: 'refused', error: { name: 'WrongUsernameOrPasswordError', message }, logs: [] });
    const withNew = `function (email, password, callback) { callback(new WrongUsernameOrPasswordError(email, 'Wrong password')); }`;
    expect(await runScript('login', withNew, LOGIN_ARGS)).toEqual(refused('Wrong password'));
    const bare = `function (email, password, callback) { callback(WrongUsernameOrPasswordError(email)); }`;
    expect(await runScript('login', bare, LOGIN_ARGS)).toEqual(refused(''));
  });

  it('refuses with ValidationError(code, message)', async () => {
    const source = `function create(user, callback) { callback(new ValidationError('user_exists', 'The user already exists.')); }`;
    expect(await runScript('create', source, [{ email: 'a@b.c' }])).toEqual({
      outcome: 'refused',
      error: { name: 'ValidationError', code: 'user_exists', message: 'The user already exists.' },
      logs: [],
    });
  });

  it('gives scripts Auth0\'s constructors as Error subclasses, with their names', async () => {
    const source = `function (email, password, callback) {
      var w = new WrongUsernameOrPasswordError(email, 'm'), v = new ValidationError('c', 'm');
      callback(null, [w instanceof Error, w.name, String(w), v instanceof Error, v.name, v.code, typeof UnauthorizedError]);
    }`;
    expect(await runScript('login', source, LOGIN_ARGS)).toEqual(
      done([true, 'WrongUsernameOrPasswordError', 'WrongUsernameOrPasswordError: m', true, 'ValidationError', 'c', 'function']),
    );
  });

  it('fails a callback with any other error, naming it', async () => {
    const source = `function (email, password, callback) { callback(new Error('legacy store answered 500')); }`;
    expect(await runScript('login', source, LOGIN_ARGS)).toEqual(failed('login', "Script 'login' failed: Error: legacy store answered 500"));
    const typed = `function (email, password, callback) { callback(new TypeError('bad')); }`;
    expect(await runScript('login', typed, LOGIN_ARGS)).toEqual(failed('login', "Script 'login' failed: TypeError: bad"));
    const text = `function (email, password, callback) { callback('just a string'); }`;
    expect(await runScript('login', text, LOGIN_ARGS)).toEqual(failed('login', "Script 'login' failed: just a string"));
  });

  it('fails a script that throws or whose promise rejects', async () => {
    expect(await runScript('login', `function () { throw new Error('boom'); }`, LOGIN_ARGS)).toEqual(
      failed('login', "Script 'login' failed: Error: boom"),
    );
    expect(await runScript('login', `async function () { await null; throw new RangeError('late'); }`, LOGIN_ARGS)).toEqual(
      failed('login', "Script 'login' failed: RangeError: late"),
    );
    expect(await runScript('login', `function (e, p, cb) { setTimeout(function () { null.x; }, 1); }`, LOGIN_ARGS)).toEqual(
      failed('login', "Script 'login' failed: TypeError: cannot read property 'x' of null"),
    );
  });

  it('fails a second callback, in the same turn or in promise jobs after the first', async () => {
    const twice = failed('login', "Script 'login' called back more than once");
    expect(await runScript('login', `function (e, p, cb) { cb(null, { user_id: 1 }); cb(null, { user_id: 2 }); }`, LOGIN_ARGS)).toEqual(twice);
    expect(await runScript('login', `function (e, p, cb) { cb(new WrongUsernameOrPasswordError(e)); Promise.resolve().then(function () { cb(null, {}); }); }`, LOGIN_ARGS)).toEqual(twice);
    expect(await runScript('login', `async function (e, p, cb) { cb(null, {}); await null; await null; cb(null, {}); }`, LOGIN_ARGS)).toEqual(twice);
  });

  it('fails a script that never calls back, at once when nothing is left to wait for', async () => {
    const started = performance.now();
    expect(await runScript('login', `function (e, p, cb) {}`, LOGIN_ARGS)).toEqual(failed('login', "Script 'login' did not call back"));
    expect(await runScript('login', `async function (e, p, cb) { return { user_id: 1 }; }`, LOGIN_ARGS)).toEqual(
      failed('login', "Script 'login' did not call back"),
    );
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('fails a value that cannot be turned into JSON', async () => {
    expect(await runScript('login', `function (e, p, cb) { cb(null, function () {}); }`, LOGIN_ARGS)).toEqual(
      failed('login', "Script 'login' called back with a value that cannot be turned into JSON: function"),
    );
    const cyclic = `function (e, p, cb) { var o = {}; o.self = o; cb(null, o); }`;
    const output = await runScript('login', cyclic, LOGIN_ARGS);
    expect((output as { error: string }).error).toMatch(/^Script 'login' called back with a value that cannot be turned into JSON: TypeError: circular reference/);
    expect(await runScript('login', `function (e, p, cb) { cb(null, { n: 10n }); }`, LOGIN_ARGS)).toMatchObject({ outcome: 'error', source: 'login' });
  });
});

describe('custom database scripts: what a script sees', () => {
  it('gets its arguments, a frozen configuration and a fresh global', async () => {
    const source = `function (email, password, callback) {
      var before = global.counter;
      global.counter = (global.counter || 0) + 1;
      try { configuration.API_KEY = 'changed'; } catch (e) { var frozen = e.name; }
      callback(null, { email: email, password: password, key: configuration.API_KEY, base: configuration.BASE_URL, before: before === undefined ? null : before, frozen: frozen || Object.isFrozen(configuration) });
    }`;
    const first = await runScript('login', source, ['jane@example.com', 'secret']);
    const second = await runScript('login', source, ['jane@example.com', 'secret']);
    const value = { email: 'jane@example.com', password: 'secret', key: 'k', base: 'http://legacy.invalid', before: null, frozen: true };
    expect(first).toEqual(done(value));
    expect(second).toEqual(done(value));
  });

  it('passes create\'s user object and change_email\'s three arguments as given', async () => {
    const user = { email: 'a@b.c', password: 'p', tenant: 'local', connection: 'legacy-db', user_metadata: { hobby: 'surfing' }, metadata: { plan: 'full' } };
    expect(await runScript('create', 'function create(user, callback) { callback(null, user); }', [user])).toEqual(done(user));
    expect(await runScript('change_email', 'function changeEmail(a, b, c, cb) { cb(null, [a, b, c]); }', ['a@b.c', 'd@e.f', true])).toEqual(
      done(['a@b.c', 'd@e.f', true]),
    );
  });

  it('keeps what the script logs, named after the script', async () => {
    const source = `function (email, password, callback) { console.log('checking', email, { n: 1 }); console.error(new Error('x')); callback(null, {}); }`;
    expect(await runScript('login', source, LOGIN_ARGS)).toEqual({
      outcome: 'done',
      value: {},
      logs: [
        { source: 'login', level: 'log', message: 'checking jane.doe@example.com {"n":1}' },
        { source: 'login', level: 'error', message: 'Error: x' },
      ],
    });
  });

  it('requires only the listed modules, by name or with a version', async () => {
    const source = `function (e, p, cb) { var seen = [typeof require('request'), typeof require('request@2.88.2'), typeof require('bcrypt'), typeof require('bcryptjs').hash, typeof require('crypto').createHash]; try { require('fs'); } catch (err) { seen.push(err.code, err.message); } cb(null, seen); }`;
    expect(await runScript('login', source, LOGIN_ARGS)).toEqual(
      done(['function', 'function', 'object', 'function', 'function', 'MODULE_NOT_FOUND', "Cannot find module 'fs'. Custom database scripts may require: bcrypt, bcryptjs, crypto, request"]),
    );
    expect(await runScript('login', `function (e, p, cb) { require('child_process').exec('id'); }`, LOGIN_ARGS)).toEqual(
      failed('login', "Script 'login' failed: Error: Cannot find module 'child_process'. Custom database scripts may require: bcrypt, bcryptjs, crypto, request"),
    );
  });

  it('has no Node globals to escape through', async () => {
    const source = `function (e, p, cb) { cb(null, [typeof process, typeof module, typeof host, typeof inputJson, typeof globalThis.require, typeof Buffer.from]); }`;
    expect(await runScript('login', source, LOGIN_ARGS)).toEqual(done(['undefined', 'undefined', 'undefined', 'undefined', 'function', 'function']));
  });
});
