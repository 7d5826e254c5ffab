import { describe, expect, it } from 'vitest';
import { rule, run, timed } from '#test/unit/extensions/login-input';

/** Auth0's rule contract, run in the QuickJS sandbox, asserted on the exact runner output. */

describe('rules: claims and callback chain', () => {
  it("runs a rule taken unchanged from Auth0's docs that copies user_metadata into namespaced ID token claims", async () => {
    const script = `function (user, context, callback) {
  const namespace = 'https://myapp.example.com/';
  context.idToken[namespace + 'favorite_color'] = user.user_metadata.favorite_color;
  context.idToken[namespace + 'preferred_contact'] = user.user_metadata.preferred_contact;
  callback(null, user, context);
}`;
    expect(await run({ rules: [rule('add-metadata-claims', script)] })).toEqual({
      outcome: 'allow',
      idTokenClaims: {
        'https://myapp.example.com/favorite_color': 'blue',
        'https://myapp.example.com/preferred_contact': 'email',
      },
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('runs rules in order, each receiving the user and context the previous one called back with', async () => {
    const rules = [
      rule('first', `function (user, context, callback) {
        context.accessToken['https://x/order'] = ['first'];
        callback(null, Object.assign({}, user, { nickname: 'from-first' }), context);
      }`),
      rule('second', `function (user, context, callback) {
        context.accessToken['https://x/order'].push('second');
        context.idToken['https://x/nickname'] = user.nickname;
        callback(null, user, context);
      }`),
    ];
    expect(await run({ rules })).toMatchObject({
      outcome: 'allow',
      idTokenClaims: { 'https://x/nickname': 'from-first' },
      accessTokenClaims: { 'https://x/order': ['first', 'second'] },
    });
  });

  it('gives rules the login context (client, connection, protocol, request, stats)', async () => {
    const script = `function (user, context, callback) {
      context.idToken.seen = [context.clientID, context.clientName, context.clientMetadata.tier, context.connection,
        context.connectionStrategy, context.protocol, context.request.ip, context.stats.loginsCount];
      callback(null, user, context);
    }`;
    const output = await run({ rules: [rule('context', script)] });
    expect(output).toMatchObject({
      idTokenClaims: { seen: ['client-1', 'My App', 'gold', 'Username-Password-Authentication', 'auth0', 'oauth2-password', '203.0.113.7', 4] },
    });
  });

  it('keeps only JSON in claims: functions and undefined dropped, dates as strings', async () => {
    const script = `function (user, context, callback) {
      context.idToken.f = function () {};
      context.idToken.u = undefined;
      context.idToken.d = new Date(0);
      context.idToken.n = { keep: 1, drop: undefined };
      callback(null, user, context);
    }`;
    expect(await run({ rules: [rule('json', script)] })).toMatchObject({
      idTokenClaims: { d: '1970-01-01T00:00:00.000Z', n: { keep: 1 } },
    });
  });

  it('accepts a pasted rule with a trailing semicolon and comment, and an async rule using setTimeout', async () => {
    const rules = [
      rule('pasted', 'function (user, context, callback) { callback(null, user, context); }; // end\n'),
      rule('later', `async function (user, context, callback) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        context.idToken.waited = true;
        callback(null, user, context);
      }`),
    ];
    expect(await run({ rules })).toMatchObject({ outcome: 'allow', idTokenClaims: { waited: true } });
  });

  it('gives every rule a frozen `configuration` and one `global` shared by the rules of the login', async () => {
    const rules = [
      rule('one', `function (user, context, callback) {
        configuration.API_KEY = 'overwritten';
        global.counter = 1;
        callback(null, user, context);
      }`),
      rule('two', `function (user, context, callback) {
        global.counter += 1;
        context.idToken.key = configuration.API_KEY;
        context.idToken.counter = global.counter;
        callback(null, user, context);
      }`),
    ];
    expect(await run({ rules, configuration: { API_KEY: 's3cret' } })).toMatchObject({
      outcome: 'allow',
      idTokenClaims: { key: 's3cret', counter: 2 },
    });
    // A fresh runtime per login: nothing the previous login put in `global` survives.
    const next = await run({ rules: [rule('fresh', 'function (u, c, cb) { c.idToken.seen = typeof global.counter; cb(null, u, c); }')] });
    expect(next).toMatchObject({ idTokenClaims: { seen: 'undefined' } });
  });

  it('captures console output with the rule name, bounded in lines and length', async () => {
    const script = `function (user, context, callback) {
      console.log('hello', { a: 1 }, 2);
      console.warn(new Error('careful'));
      for (let i = 0; i < 500; i++) console.error('x'.repeat(5000));
      callback(null, user, context);
    }`;
    const output = await run({ rules: [rule('chatty', script)] });
    expect(output.logs.slice(0, 2)).toEqual([
      { source: 'chatty', level: 'log', message: 'hello {"a":1} 2' },
      { source: 'chatty', level: 'warn', message: 'Error: careful' },
    ]);
    expect(output.logs).toHaveLength(100);
    expect(output.logs.every((l) => l.message.length <= 1000)).toBe(true);
    expect(output.logs.at(-1)).toEqual({ source: 'sandbox', level: 'warn', message: 'Further log lines were dropped (at most 100 are kept).' });
  });
});

describe('rules: outcomes', () => {
  it('denies with the reason of callback(new UnauthorizedError(msg)); later rules do not run', async () => {
    const rules = [
      rule('block', `function (user, context, callback) {
        if (user.app_metadata.plan === 'free') return callback(new UnauthorizedError('Upgrade your plan to sign in'));
        callback(null, user, context);
      }`),
      rule('after', 'function (user, context, callback) { console.log("ran"); callback(null, user, context); }'),
    ];
    expect(await run({ rules })).toEqual({
      outcome: 'deny',
      reason: 'Upgrade your plan to sign in',
      idTokenClaims: {},
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('fails the login on callback(new Error(...)), naming the rule', async () => {
    const output = await run({ rules: [rule('failing', 'function (u, c, callback) { callback(new Error("boom")); }')] });
    expect(output).toEqual({ outcome: 'error', error: "Rule 'failing' failed: Error: boom", source: 'failing', logs: [] });
  });

  it('fails the login when a rule throws, synchronously or after calling back', async () => {
    const threw = await run({ rules: [rule('thrower', 'function () { throw new RangeError("out of range"); }')] });
    expect(threw).toEqual({ outcome: 'error', error: "Rule 'thrower' failed: RangeError: out of range", source: 'thrower', logs: [] });
    const late = await run({ rules: [rule('late', 'function (u, c, cb) { cb(null, u, c); null.x; }')] });
    expect(late).toMatchObject({ outcome: 'error', source: 'late', error: expect.stringMatching(/^Rule 'late' failed: TypeError: /) });
  });

  it('fails a rule that does not compile, naming it', async () => {
    const output = await run({ rules: [rule('broken', 'function (user, context, callback) { callback(null, user, context)')] });
    expect(output).toMatchObject({ outcome: 'error', source: 'broken', error: expect.stringMatching(/^Rule 'broken' failed: SyntaxError: /) });
  });

  it('fails at once, not at the end of the budget, when a rule finishes without calling back', async () => {
    const { output, ms } = await timed({ rules: [rule('silent', 'function (user, context, callback) { const x = 1; }')] });
    expect(output).toEqual({ outcome: 'error', error: "Rule 'silent' did not call back", source: 'silent', logs: [] });
    expect(ms).toBeLessThan(500); // the budget is 5 s
  });

  it('does not wait for a timer the rule cleared before it stopped without calling back', async () => {
    const script = 'function (user, context, callback) { const t = setTimeout(() => callback(null, user, context), 60000); clearTimeout(t); }';
    const { output, ms } = await timed({ rules: [rule('cleared', script)] });
    expect(output).toMatchObject({ outcome: 'error', error: "Rule 'cleared' did not call back" });
    expect(ms).toBeLessThan(500);
  });

  it('fails a rule that calls back twice', async () => {
    const script = `function (user, context, callback) {
      if (!user.blocked) callback(null, user, context); // a missing "return"
      callback(null, user, context);
    }`;
    expect(await run({ rules: [rule('twice', script)] })).toEqual({
      outcome: 'error',
      error: "Rule 'twice' called back more than once",
      source: 'twice',
      logs: [],
    });
  });

  it("fails require() of a module that is not provided, naming it", async () => {
    const script = `function (user, context, callback) {
      const request = require('request');
      request.get('https://example.com', () => callback(null, user, context));
    }`;
    expect(await run({ rules: [rule('needs-request', script)] })).toEqual({
      outcome: 'error',
      error: "Rule 'needs-request' failed: Error: Cannot find module 'request'",
      source: 'needs-request',
      logs: [],
    });
  });

  it('fails a script that is not a function', async () => {
    expect(await run({ rules: [rule('not-fn', '42')] })).toMatchObject({
      outcome: 'error',
      error: "Rule 'not-fn' is not a function; a rule is written as function (user, context, callback) { ... }",
    });
  });
});
