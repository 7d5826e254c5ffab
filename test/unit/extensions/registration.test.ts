import { describe, expect, it } from 'vitest';
import type { ActionScript, RegistrationExtensionInput } from '#shared/sandbox/contract';
import { sandboxNetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { runRegistration } from '#shared/sandbox/guest/run-registration';
import { runExtensions } from '#shared/sandbox/guest/run-extensions';
import { MAX_CODE_CHARS, MAX_MESSAGE_CHARS } from '#shared/sandbox/guest/registration-outcome';

/**
 * The pre-user-registration trigger in the sandbox (issue 11): Auth0's event and api, and the
 * same guarantees as post-login against hostile actions (time, memory, isolation, what crosses
 * back to the host). Each test runs the real QuickJS sandbox in-process.
 */
const options = sandboxNetworkPolicy({});

const act = (name: string, body: string, secrets: Record<string, string> = {}): ActionScript => ({
  id: `act_${name}`,
  name,
  code: `exports.onExecutePreUserRegistration = async (event, api) => { ${body} };`,
  secrets,
});

function input(actions: ActionScript[], overrides: Partial<RegistrationExtensionInput> = {}): RegistrationExtensionInput {
  return {
    trigger: 'pre-user-registration',
    actions,
    user: { email: 'jane@example.com', given_name: 'Jane', user_metadata: { plan: 'silver', team: 'a1' }, app_metadata: {} },
    client: { client_id: 'client-1', name: 'My App', metadata: { tier: 'gold' } },
    connection: { id: 'con_1', name: 'Username-Password-Authentication', strategy: 'auth0', metadata: {} },
    request: {
      ip: '203.0.113.7',
      hostname: 'localhost:3000',
      method: 'POST',
      user_agent: 'vitest',
      language: 'fr-CH',
      body: { client_id: 'client-1', email: 'jane@example.com', 'ulp-first-name': 'Jane' },
    },
    tenant: 'local',
    limits: { totalMs: 3_000, memoryBytes: 32 * 1024 * 1024 },
    ...overrides,
  };
}

const run = (actions: ActionScript[], overrides?: Partial<RegistrationExtensionInput>) => runRegistration(input(actions, overrides), options);

const failed = (name: string, error: string) => ({ outcome: 'error', error: `Action '${name}' ${error}`, source: name, logs: [] });

describe('pre-user-registration: event and api', () => {
  it("gives Auth0's event: user (no id), client, connection, request (body, empty geoip), secrets, tenant; no transaction unless given", async () => {
    const output = await run([act('echo', "api.user.setAppMetadata('event', JSON.parse(JSON.stringify(event)));", { KEY: 's3cret' })]);
    expect(output).toEqual({
      outcome: 'allow',
      appMetadata: {
        event: {
          user: { email: 'jane@example.com', given_name: 'Jane', user_metadata: { plan: 'silver', team: 'a1' }, app_metadata: {} },
          client: { client_id: 'client-1', name: 'My App', metadata: { tier: 'gold' } },
          connection: { id: 'con_1', name: 'Username-Password-Authentication', strategy: 'auth0', metadata: {} },
          request: {
            body: { client_id: 'client-1', email: 'jane@example.com', 'ulp-first-name': 'Jane' },
            geoip: {}, hostname: 'localhost:3000', ip: '203.0.113.7', language: 'fr-CH', method: 'POST', user_agent: 'vitest',
          },
          secrets: { KEY: 's3cret' },
          tenant: { id: 'local' },
        },
      },
      logs: [],
    });
    const withTransaction = await run([act('tx', "api.user.setAppMetadata('tx', event.transaction);")], {
      transaction: { locale: 'en', protocol: 'oidc-basic-profile', requested_scopes: ['openid'] },
    });
    expect(withTransaction).toMatchObject({ outcome: 'allow', appMetadata: { tx: { locale: 'en', protocol: 'oidc-basic-profile', requested_scopes: ['openid'] } } });
  });

  it('batches setUserMetadata / setAppMetadata across actions in order; null deletes; the next action sees the changes', async () => {
    const output = await run([
      act('first', "api.user.setUserMetadata('first_name', event.request.body['ulp-first-name']).user.setUserMetadata('team', null); api.user.setAppMetadata('tier', 1);"),
      act('second', "api.user.setAppMetadata('seen', event.user.user_metadata); api.user.setUserMetadata('plan', undefined);"),
    ]);
    expect(output).toEqual({
      outcome: 'allow',
      userMetadata: { first_name: 'Jane', team: null, plan: null },
      appMetadata: { tier: 1, seen: { plan: 'silver', first_name: 'Jane' } },
      logs: [],
    });
  });

  it('stops at api.validation.error after that action returns; later actions do not run', async () => {
    const output = await run([
      act('check', "api.validation.error('invalid_first_name', 'Tell us your first name'); api.user.setUserMetadata('after', 1);"),
      act('never', "throw new Error('ran');"),
    ]);
    expect(output).toEqual({ outcome: 'invalid', code: 'invalid_first_name', message: 'Tell us your first name', logs: [] });
  });

  it('stops at api.access.deny with the reason and the message for users', async () => {
    expect(await run([act('deny', "api.access.deny('no_signups_from_north_america', 'You are not allowed to register.');"), act('never', 'throw 1;')])).toEqual({
      outcome: 'deny', reason: 'no_signups_from_north_america', userMessage: 'You are not allowed to register.', logs: [],
    });
    expect(await run([act('deny', "api.access.deny('closed');")])).toEqual({ outcome: 'deny', reason: 'closed', logs: [] });
  });

  it('keeps the last refusal when an action refuses twice (validation.error twice, then deny)', async () => {
    expect(await run([act('twice', "api.validation.error('a', 'first'); api.validation.error('b', 'second');")])).toEqual({
      outcome: 'invalid', code: 'b', message: 'second', logs: [],
    });
    expect(await run([act('mixed', "api.validation.error('a', 'first'); api.access.deny('r', 'm');")])).toEqual({
      outcome: 'deny', reason: 'r', userMessage: 'm', logs: [],
    });
  });

  it('turns codes and messages into strings and cuts them to what a page can show', async () => {
    const output = await run([act('long', `api.validation.error({ toString() { return 'x'.repeat(5000); } }, 'm'.repeat(5000));`)]);
    expect(output).toEqual({ outcome: 'invalid', code: 'x'.repeat(MAX_CODE_CHARS), message: 'm'.repeat(MAX_MESSAGE_CHARS), logs: [] });
  });

  it('is dispatched by the trigger: runExtensions runs the registration program for this input', async () => {
    expect(await runExtensions(input([act('d', "api.validation.error('c', 'm');")]), options)).toEqual({ outcome: 'invalid', code: 'c', message: 'm', logs: [] });
  });

  it('gives actions no way to update a user through auth0.users (there is none yet)', async () => {
    const output = await run([act('mgmt', "await auth0.users.updateUserMetadata(undefined, { x: 1 });")]);
    expect(output).toEqual(failed('mgmt', 'failed: Error: auth0.users can only update the user who is logging in'));
  });
});

describe('pre-user-registration: hostile actions', () => {
  it('fails an action that throws, naming it, with its logs kept', async () => {
    const output = await run([act('boom', "console.log('before'); throw new Error('kaput');")]);
    expect(output).toEqual({
      outcome: 'error', error: "Action 'boom' failed: Error: kaput", source: 'boom', logs: [{ source: 'boom', level: 'log', message: 'before' }],
    });
  });

  it('fails an action whose promise never settles, at once (not at the end of the budget)', async () => {
    const started = performance.now();
    expect(await run([act('stuck', 'await new Promise(() => {});')])).toEqual(failed('stuck', 'did not finish: its promise never settled'));
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('stops an infinite loop at the budget', async () => {
    const started = performance.now();
    const output = await run([act('spin', 'while (true) {}')], { limits: { totalMs: 300, memoryBytes: 32 * 1024 * 1024 } });
    expect(output).toEqual(failed('spin', "did not finish within the login's time budget of 300 ms"));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('stops an action that exhausts its memory by the budget, and the next signup runs normally', async () => {
    // As for post-login actions: in an async handler QuickJS's out-of-memory error is a rejection the
    // exhausted heap cannot report, so the budget ends it (the interpreter is then reloaded).
    const output = await run([act('hog', "const big = 'x'.repeat(1024 * 1024); const kept = []; while (true) kept.push(big + kept.length);")], {
      limits: { totalMs: 1_000, memoryBytes: 32 * 1024 * 1024 },
    });
    // Which of the two stops it first depends on timing (QuickJS may report the exhausted heap, or
    // not, before the budget ends); either way the action fails and nothing is written.
    expect(output).toEqual({
      outcome: 'error',
      source: 'hog',
      logs: [],
      error: expect.stringMatching(/^Action 'hog' (exceeded the memory limit of 32 MiB|did not finish within the login's time budget of 1000 ms)$/),
    });
    expect(await run([act('ok', "api.user.setUserMetadata('a', 1);")])).toEqual({ outcome: 'allow', userMetadata: { a: 1 }, logs: [] });
  });

  it('refuses metadata too large to hand back (over 4 MB of report), without crashing the host', async () => {
    const output = await run([act('huge', "const s = 'x'.repeat(1024 * 1024); for (let i = 0; i < 5; i++) api.user.setUserMetadata('k' + i, s);")], {
      limits: { totalMs: 5_000, memoryBytes: 64 * 1024 * 1024 },
    });
    expect(output).toEqual(failed('huge', 'produced a result larger than 4194304 characters'));
  });

  it("keeps setUserMetadata('__proto__', …) an own key of the patch: nothing in the guest or the host gets a new prototype", async () => {
    const output = await run([
      act('proto', "api.user.setUserMetadata('__proto__', { polluted: true }); api.user.setAppMetadata('constructor', { prototype: { polluted: true } }); if (({}).polluted) throw new Error('guest polluted');"),
      act('next', "if (({}).polluted || event.user.user_metadata.polluted) throw new Error('next polluted'); api.user.setUserMetadata('seen', Object.keys(event.user.user_metadata));"),
    ]);
    expect(output.outcome).toBe('allow');
    const patch = (output as { userMetadata: Record<string, unknown> }).userMetadata;
    expect(Object.getPrototypeOf(patch)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(patch, '__proto__')).toBe(true);
    expect(patch.seen).toEqual(['plan', 'team', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses values that are not JSON (functions, symbols, BigInt) by failing the action; undefined and NaN remove the key', async () => {
    expect(await run([act('fn', "api.user.setUserMetadata('f', () => 1);")])).toEqual(
      failed('fn', 'failed: TypeError: the metadata value must be JSON (or null to remove the key)'),
    );
    expect(await run([act('big', "api.user.setUserMetadata('b', 10n);")])).toMatchObject({ outcome: 'error', source: 'big' });
    expect(await run([act('key', 'api.user.setUserMetadata(42, 1);')])).toEqual(failed('key', 'failed: TypeError: the metadata key must be a non-empty string'));
    expect(await run([act('nan', "api.user.setUserMetadata('plan', NaN); api.user.setUserMetadata('team', undefined);")])).toEqual({
      outcome: 'allow', userMetadata: { plan: null, team: null }, logs: [],
    });
  });

  it('cannot swallow a refusal by replacing built-ins, or reach the next action through globals', async () => {
    const output = await run([
      act('tamper', "globalThis.shared = 'leak'; JSON.stringify = () => '{\"outcome\":\"allow\"}'; Promise.prototype.then = function () {}; api.validation.error('kept', 'still refused');"),
    ]);
    expect(output).toEqual({ outcome: 'invalid', code: 'kept', message: 'still refused', logs: [] });
    const isolated = await run([act('a', "globalThis.shared = 'leak';"), act('b', "if (typeof shared !== 'undefined') throw new Error('leaked');")]);
    expect(isolated).toEqual({ outcome: 'allow', logs: [] });
  });

  it('shares one budget between the actions of a signup', async () => {
    const output = await run([act('slow', 'await new Promise((r) => setTimeout(r, 250));'), act('slower', 'await new Promise((r) => setTimeout(r, 250));')], {
      limits: { totalMs: 400, memoryBytes: 32 * 1024 * 1024 },
    });
    expect(output).toEqual(failed('slower', "did not finish within the login's time budget of 400 ms"));
  });
});
