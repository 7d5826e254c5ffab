import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { LoginExtensionOutput } from '#shared/sandbox/contract';
import { extensionsRunner, lambdaRunner, RUNNER_FAILED } from '#shared/sandbox/runner';
import { loginInput, rule } from '#test/unit/extensions/login-input';

/** Choosing the runner, and the Lambda runner's handling of what the invoke returns. */

const allow: LoginExtensionOutput = { outcome: 'allow', idTokenClaims: { 'https://x/c': 1 }, accessTokenClaims: {}, logs: [] };
const failed = { outcome: 'error', error: RUNNER_FAILED, source: 'rules-runner', logs: [] };

/** A stand-in for LambdaClient: records the command, answers with `reply`. */
function fakeClient(reply: () => Partial<InvokeCommandOutput>) {
  const sent: InvokeCommand[] = [];
  const client = {
    send: async (command: InvokeCommand) => {
      sent.push(command);
      return reply();
    },
  };
  return { client: client as never, sent };
}

const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('extensionsRunner', () => {
  it('runs in-process when RULES_RUNNER_FUNCTION_NAME is not set, and is chosen once', async () => {
    const runner = extensionsRunner();
    expect(extensionsRunner()).toBe(runner);
    const script = "function (u, c, cb) { c.idToken['https://x/c'] = 1; cb(null, u, c); }";
    expect(await runner.run(loginInput({ rules: [rule('r', script)] }))).toEqual(allow);
  }, 60_000);

  it('runs rules off the main thread: a spinning rule leaves the event loop free (issue 8)', async () => {
    const runner = extensionsRunner();
    const spin = loginInput({ rules: [rule('spin', 'function (user, context, callback) { while (true) {} }')], limits: { totalMs: 1_500, memoryBytes: 32 * 1024 * 1024 } });
    let last = performance.now();
    let stallMs = 0;
    const ticker = setInterval(() => {
      stallMs = Math.max(stallMs, performance.now() - last);
      last = performance.now();
    }, 10);
    const output = await runner.run(spin).finally(() => clearInterval(ticker));
    stallMs = Math.max(stallMs, performance.now() - last);
    expect(output).toEqual({ outcome: 'error', error: "Rule 'spin' did not finish within the login's time budget of 1500 ms", source: 'spin', logs: [] });
    // In-process the loop held the main thread for the whole 1.5 s budget; a worker leaves it free.
    expect(stallMs).toBeLessThan(500);
  }, 60_000);
});

describe('lambdaRunner', () => {
  it('invokes the function synchronously with the input as JSON and returns its output', async () => {
    const { client, sent } = fakeClient(() => ({ StatusCode: 200, Payload: payload(allow) as never }));
    const input = loginInput();
    expect(await lambdaRunner('rules-runner-fn', client).run(input)).toEqual(allow);
    expect(sent).toHaveLength(1);
    const { FunctionName, InvocationType, Payload } = sent[0]!.input;
    expect({ FunctionName, InvocationType }).toEqual({ FunctionName: 'rules-runner-fn', InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(Payload as Uint8Array))).toEqual(input);
  });

  it('reports a function error without its details', async () => {
    const error = { errorType: 'Error', errorMessage: 'internal detail', trace: ['at secret.js'] };
    const { client } = fakeClient(() => ({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload(error) as never }));
    expect(await lambdaRunner('fn', client).run(loginInput())).toEqual(failed);
  });

  it('reports a failed invoke (throttled, timed out, no permission) the same way', async () => {
    const client = { send: async () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' })) };
    expect(await lambdaRunner('fn', client as never).run(loginInput())).toEqual(failed);
  });

  it('refuses a payload that is not a runner output', async () => {
    for (const body of [{ outcome: 'allow' }, { outcome: 'maybe', logs: [] }, 'text', null]) {
      const { client } = fakeClient(() => ({ StatusCode: 200, Payload: payload(body) as never }));
      expect(await lambdaRunner('fn', client).run(loginInput()), JSON.stringify(body)).toEqual(failed);
    }
  });
});
