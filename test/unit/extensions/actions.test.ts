import { describe, expect, it } from 'vitest';
import { action, rule, run, timed } from '#test/unit/extensions/login-input';

/** Post-login Actions: `exports.onExecutePostLogin = async (event, api) => ...`, after all rules. */

describe('actions: api', () => {
  it('batches setUserMetadata / setAppMetadata (null removes) and sets custom claims', async () => {
    const code = `exports.onExecutePostLogin = async (event, api) => {
      api.user.setUserMetadata('theme', 'dark');
      api.user.setUserMetadata('favorite_color', null);
      api.user.setAppMetadata('tier', { level: 2 });
      api.idToken.setCustomClaim('https://myapp.example.com/color', event.user.user_metadata.favorite_color);
      api.accessToken.setCustomClaim('https://myapp.example.com/plan', event.user.app_metadata.plan);
    };`;
    expect(await run({ actions: [action('profile', code)] })).toEqual({
      outcome: 'allow',
      userMetadata: { theme: 'dark', favorite_color: null },
      appMetadata: { tier: { level: 2 } },
      idTokenClaims: { 'https://myapp.example.com/color': 'blue' },
      accessTokenClaims: { 'https://myapp.example.com/plan': 'free' },
      logs: [],
    });
  });

  it("denies with api.access.deny's reason: later actions do not run, changes made so far are returned", async () => {
    const actions = [
      action('mark', "exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('checked', true); };"),
      action('gate', "exports.onExecutePostLogin = async (event, api) => { api.access.deny('Outside business hours'); };"),
      action('never', "exports.onExecutePostLogin = async (event, api) => { api.user.setAppMetadata('never', true); };"),
    ];
    expect(await run({ actions })).toEqual({
      outcome: 'deny',
      reason: 'Outside business hours',
      appMetadata: { checked: true },
      idTokenClaims: {},
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('describes the login in `event`, with only the action’s own secrets', async () => {
    const code = `exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('event', {
        user: event.user.user_id, client: event.client, connection: event.connection,
        ip: event.request.ip, user_agent: event.request.user_agent, logins: event.stats.logins_count,
        secrets: event.secrets, scopes: event.transaction.requested_scopes, tenant: event.tenant.id,
        methods: event.authentication.methods.map((m) => m.name), audience: event.resource_server.identifier,
      });
    };`;
    const actions = [action('one', code, { API_KEY: 'k1' }), action('two', 'exports.onExecutePostLogin = async () => {};', { OTHER: 'k2' })];
    expect(await run({ actions })).toMatchObject({
      idTokenClaims: {
        event: {
          user: 'auth0|507f1f77bcf86cd799439020',
          client: { client_id: 'client-1', name: 'My App', metadata: { tier: 'gold' } },
          connection: { id: 'con_1', name: 'Username-Password-Authentication', strategy: 'auth0' },
          ip: '203.0.113.7',
          user_agent: 'vitest',
          logins: 4,
          secrets: { API_KEY: 'k1' },
          scopes: ['openid', 'profile'],
          tenant: 'local',
          methods: ['pwd'],
          audience: 'https://api.example.com/',
        },
      },
    });
  });

  it('accepts module.exports and skips an action without onExecutePostLogin', async () => {
    const actions = [
      action('other-trigger', 'exports.onExecutePreUserRegistration = async () => { throw new Error("wrong trigger"); };'),
      action('module-exports', "module.exports = { onExecutePostLogin: (event, api) => { api.idToken.setCustomClaim('sync', true); } };"),
    ];
    expect(await run({ actions })).toMatchObject({ outcome: 'allow', idTokenClaims: { sync: true } });
  });
});

describe('actions: after rules', () => {
  it('run after every rule and see the metadata the rules changed; claims from both are merged', async () => {
    const rules = [
      rule('rule-writes', `function (user, context, callback) {
        context.idToken['https://x/from-rule'] = 'r';
        auth0.users.updateUserMetadata(user.user_id, { favorite_color: 'green' }).then(() => callback(null, user, context));
      }`),
    ];
    const actions = [
      action('reads', `exports.onExecutePostLogin = async (event, api) => {
        api.idToken.setCustomClaim('https://x/color', event.user.user_metadata.favorite_color);
        api.user.setUserMetadata('seen_by_action', true);
      };`),
      action('reads-too', `exports.onExecutePostLogin = async (event, api) => {
        api.idToken.setCustomClaim('https://x/seen', event.user.user_metadata.seen_by_action);
      };`),
    ];
    expect(await run({ rules, actions })).toEqual({
      outcome: 'allow',
      userMetadata: { favorite_color: 'green', seen_by_action: true },
      idTokenClaims: { 'https://x/from-rule': 'r', 'https://x/color': 'green', 'https://x/seen': true },
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('do not run when a rule denied', async () => {
    const rules = [rule('deny', 'function (u, c, cb) { cb(new UnauthorizedError("no")); }')];
    const actions = [action('never', 'exports.onExecutePostLogin = async () => { console.log("ran"); };')];
    expect(await run({ rules, actions })).toMatchObject({ outcome: 'deny', reason: 'no', logs: [] });
  });
});

describe('actions: failures', () => {
  it('fails the login when an action throws or rejects, naming it', async () => {
    const threw = await run({ actions: [action('thrower', 'exports.onExecutePostLogin = async () => { throw new Error("nope"); };')] });
    expect(threw).toEqual({ outcome: 'error', error: "Action 'thrower' failed: Error: nope", source: 'thrower', logs: [] });
    const rejected = await run({ actions: [action('rejecter', 'exports.onExecutePostLogin = () => Promise.reject(new TypeError("bad"));')] });
    expect(rejected).toMatchObject({ outcome: 'error', error: "Action 'rejecter' failed: TypeError: bad" });
  });

  it('fails at once when an action’s promise can never settle', async () => {
    const { output, ms } = await timed({ actions: [action('hangs', 'exports.onExecutePostLogin = () => new Promise(() => {});')] });
    expect(output).toEqual({ outcome: 'error', error: "Action 'hangs' did not finish: its promise never settled", source: 'hangs', logs: [] });
    expect(ms).toBeLessThan(500);
  });

  it('fails an action that sets a metadata value that is not JSON', async () => {
    const code = "exports.onExecutePostLogin = async (event, api) => { api.user.setUserMetadata('fn', () => 1); };";
    expect(await run({ actions: [action('bad-value', code)] })).toMatchObject({
      outcome: 'error',
      error: "Action 'bad-value' failed: TypeError: the metadata value must be JSON (or null to remove the key)",
    });
  });
});
