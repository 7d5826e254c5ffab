import { describe, expect, it } from 'vitest';
import { rule, run, timed } from '#test/unit/extensions/login-input';

/**
 * Rules that loop, exhaust memory, recurse, or reach for the host: each fails its login with an
 * error naming it, within the budget, and the next login runs normally.
 */

const docsRule = rule('claims', `function (user, context, callback) {
  context.idToken['https://myapp.example.com/favorite_color'] = user.user_metadata.favorite_color;
  callback(null, user, context);
}`);

async function expectNextLoginWorks() {
  expect(await run({ rules: [docsRule] })).toEqual({
    outcome: 'allow',
    idTokenClaims: { 'https://myapp.example.com/favorite_color': 'blue' },
    accessTokenClaims: {},
    logs: [],
  });
}

describe('hostile rules: time and memory', () => {
  it('stops `while (true) {}` at the budget (200 ms) and names the rule and the budget', async () => {
    const { output, ms } = await timed({
      rules: [rule('spin', 'function (user, context, callback) { while (true) {} }')],
      limits: { totalMs: 200, memoryBytes: 32 * 1024 * 1024 },
    });
    expect(output).toEqual({
      outcome: 'error',
      error: "Rule 'spin' did not finish within the login's time budget of 200 ms",
      source: 'spin',
      logs: [],
    });
    expect(ms).toBeLessThan(400);
    await expectNextLoginWorks();
  });

  it('stops a loop of heavy built-in calls (which QuickJS seldom interrupts) soon after the budget', async () => {
    const script = "function (user, context, callback) { const s = 'x'.repeat(100000); while (true) s.split('').join(''); }";
    const { output, ms } = await timed({ rules: [rule('heavy', script)], limits: { totalMs: 200, memoryBytes: 32 * 1024 * 1024 } });
    expect(output).toMatchObject({ outcome: 'error', error: "Rule 'heavy' did not finish within the login's time budget of 200 ms" });
    expect(ms).toBeLessThan(800);
    await expectNextLoginWorks();
  });

  it('fails, rather than trusts, a concurrent login in the interpreter a cut-off login abandoned', async () => {
    // In-process, logins share one wasm instance; a hard stop leaves its memory in an unknown state.
    const waiting = run({ rules: [rule('patient', 'function (u, c, cb) { setTimeout(() => cb(null, u, c), 50); }')] });
    const script = "function (user, context, callback) { const s = 'x'.repeat(100000); while (true) s.split('').join(''); }";
    const heavy = await run({ rules: [rule('heavy', script)], limits: { totalMs: 100, memoryBytes: 32 * 1024 * 1024 } });
    expect(heavy).toMatchObject({ outcome: 'error', source: 'heavy' });
    expect(await waiting).toEqual({
      outcome: 'error',
      error: "Rule 'patient' failed: the sandbox stopped unexpectedly",
      source: 'patient',
      logs: [],
    });
    await expectNextLoginWorks();
  });

  it('counts time spent waiting on timers against the budget', async () => {
    const script = 'function (user, context, callback) { setTimeout(() => callback(null, user, context), 60000); }';
    const { output, ms } = await timed({ rules: [rule('sleepy', script)], limits: { totalMs: 200, memoryBytes: 32 * 1024 * 1024 } });
    expect(output).toMatchObject({ outcome: 'error', error: "Rule 'sleepy' did not finish within the login's time budget of 200 ms" });
    expect(ms).toBeLessThan(400);
  });

  it('stops a memory bomb (a growing array of strings) at the memory cap', async () => {
    const script = `function (user, context, callback) {
      const big = 'x'.repeat(1024 * 1024);
      const kept = [];
      while (true) kept.push(big + kept.length);
    }`;
    const output = await run({ rules: [rule('bomb', script)] });
    expect(output).toEqual({ outcome: 'error', error: "Rule 'bomb' exceeded the memory limit of 32 MiB", source: 'bomb', logs: [] });
    await expectNextLoginWorks();
  });

  it('applies the same limits inside async rules and timer callbacks, where errors become rejections', async () => {
    const limits = { totalMs: 200, memoryBytes: 32 * 1024 * 1024 };
    const spins = [
      rule('async-spin', 'async function (user, context, callback) { await null; while (true) {} }'),
      rule('timer-spin', 'function (user, context, callback) { setTimeout(() => { while (true) {} }, 10); }'),
    ];
    for (const spin of spins) {
      expect(await run({ rules: [spin], limits })).toMatchObject({
        outcome: 'error',
        error: `Rule '${spin.name}' did not finish within the login's time budget of 200 ms`,
      });
    }
    const rejects = rule('async-throw', 'async function (user, context, callback) { await null; throw new Error("later"); }');
    expect(await run({ rules: [rejects] })).toMatchObject({ outcome: 'error', error: "Rule 'async-throw' failed: Error: later" });
    // QuickJS leaks objects when memory runs out inside an async function, so freeing the runtime
    // fails its leak assertion: the runner then loads a fresh interpreter for the next login.
    const bomb = rule('async-bomb', `async function (user, context, callback) {
      await null;
      const big = 'x'.repeat(1024 * 1024);
      const kept = [];
      while (true) kept.push(big + kept.length);
    }`);
    expect(await run({ rules: [bomb] })).toMatchObject({ outcome: 'error', error: "Rule 'async-bomb' exceeded the memory limit of 32 MiB" });
    await expectNextLoginWorks();
  });

  it('turns unbounded recursion into a stack overflow error', async () => {
    const output = await run({ rules: [rule('recurse', 'function (u, c, cb) { function down() { return down() + 1; } down(); }')] });
    expect(output).toEqual({ outcome: 'error', error: "Rule 'recurse' failed: InternalError: stack overflow", source: 'recurse', logs: [] });
    await expectNextLoginWorks();
  });
});

describe('hostile rules: reaching for the host', () => {
  it("finds no `process` through this.constructor.constructor('return process')()", async () => {
    const script = `function (user, context, callback) {
      const proc = this.constructor.constructor('return process')();
      callback(null, user, context, proc.env);
    }`;
    expect(await run({ rules: [rule('escape', script)] })).toEqual({
      outcome: 'error',
      error: "Rule 'escape' failed: ReferenceError: 'process' is not defined",
      source: 'escape',
      logs: [],
    });
    await expectNextLoginWorks();
  });

  it('fails a rule that reads process.env', async () => {
    const script = 'function (user, context, callback) { context.idToken.env = process.env; callback(null, user, context); }';
    expect(await run({ rules: [rule('env', script)] })).toEqual({
      outcome: 'error',
      error: "Rule 'env' failed: ReferenceError: 'process' is not defined",
      source: 'env',
      logs: [],
    });
  });

  it('sees only the sandbox: no process, Buffer, module system or host globals anywhere', async () => {
    const script = `function (user, context, callback) {
      const g = this.constructor.constructor('return this')();
      context.idToken.types = [typeof process, typeof Buffer, typeof module, typeof exports, typeof __dirname,
        typeof globalThis.process, typeof g.process, typeof g.require];
      context.idToken.same = g === globalThis && global === globalThis;
      context.idToken.fs = (() => { try { require('fs'); return 'loaded'; } catch (e) { return e.message; } })();
      context.idToken.child = (() => { try { require('child_process'); return 'loaded'; } catch (e) { return e.message; } })();
      callback(null, user, context);
    }`;
    expect(await run({ rules: [rule('probe', script)] })).toMatchObject({
      outcome: 'allow',
      idTokenClaims: {
        types: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'function'],
        same: true,
        fs: "Cannot find module 'fs'",
        child: "Cannot find module 'child_process'",
      },
    });
  });

  it('reports outcomes correctly even after a rule replaces the built-ins the runner uses', async () => {
    const rules = [
      rule('vandal', `function (user, context, callback) {
        JSON.stringify = () => '{"outcome":"allow"}';
        JSON.parse = () => ({});
        Promise.prototype.then = function () { return this; };
        Object.defineProperty = () => {};
        callback(null, user, context);
      }`),
      rule('deny', 'function (user, context, callback) { callback(new UnauthorizedError("still denied")); }'),
    ];
    expect(await run({ rules })).toMatchObject({ outcome: 'deny', reason: 'still denied' });
  });
});
