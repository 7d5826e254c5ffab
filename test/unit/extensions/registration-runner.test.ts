import type { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { RegistrationExtensionInput } from '#shared/sandbox/contract';
import { lambdaRunner, RUNNER_FAILED } from '#shared/sandbox/runner';

/** The runner Lambda for signups: the same invoke as logins, the trigger in the payload, the registration outputs' shapes checked. */
const failed = { outcome: 'error', error: RUNNER_FAILED, source: 'rules-runner', logs: [] };
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function fakeClient(reply: () => Partial<InvokeCommandOutput>) {
  const sent: InvokeCommand[] = [];
  const client = { send: async (command: InvokeCommand) => (sent.push(command), reply()) };
  return { client: client as never, sent };
}

const input: RegistrationExtensionInput = {
  trigger: 'pre-user-registration',
  actions: [{ id: 'a', name: 'a', code: '', secrets: {} }],
  user: { email: 'a@example.com', user_metadata: {}, app_metadata: {} },
  client: { client_id: 'c', name: 'C', metadata: {} },
  connection: { id: 'con', name: 'db', strategy: 'auth0', metadata: {} },
  request: { ip: '203.0.113.7', hostname: 'localhost', method: 'POST', body: {} },
  tenant: 'local',
  limits: { totalMs: 1000, memoryBytes: 8 * 1024 * 1024 },
};

describe('lambdaRunner.register', () => {
  it('sends the input with its trigger and returns each registration outcome', async () => {
    const outputs = [
      { outcome: 'allow', userMetadata: { a: 1 }, logs: [] },
      { outcome: 'invalid', code: 'c', message: 'm', logs: [] },
      { outcome: 'deny', reason: 'r', userMessage: 'u', logs: [] },
      { outcome: 'error', error: 'Action failed', source: 'a', logs: [] },
    ];
    for (const output of outputs) {
      const { client, sent } = fakeClient(() => ({ StatusCode: 200, Payload: payload(output) as never }));
      expect(await lambdaRunner('fn', client).register(input)).toEqual(output);
      expect(JSON.parse(new TextDecoder().decode(sent[0]!.input.Payload as Uint8Array))).toEqual(input);
    }
  });

  it("refuses a payload that is not a registration output (a login's output included)", async () => {
    const bodies = [
      { outcome: 'allow', idTokenClaims: {}, accessTokenClaims: {}, userMetadata: 'x', logs: [] },
      { outcome: 'invalid', code: 1, message: 'm', logs: [] },
      { outcome: 'deny', reason: 'r', userMessage: 2, logs: [] },
      { outcome: 'invalid', code: 'c', message: 'm' },
      null,
    ];
    for (const body of bodies) {
      const { client } = fakeClient(() => ({ StatusCode: 200, Payload: payload(body) as never }));
      expect(await lambdaRunner('fn', client).register(input), JSON.stringify(body)).toEqual(failed);
    }
  });
});
