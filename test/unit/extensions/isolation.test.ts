import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowingHosts } from '#shared/sandbox/guest/network-policy';
import { action, rule, run } from '#test/unit/extensions/login-input';

/**
 * Rules cannot take over actions: each action runs in its own QuickJS context, so nothing a rule
 * does to its realm (prototypes, globals, built-ins) reaches an action's code, secrets or fetches.
 */

const SECRET = 'sk_live_51HxAbCdEfGhIjKlMnOp';

let server: Server;
let origin: string;
const seen: { path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    seen.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The attack from the issue: a setter on Object.prototype catches the action's export and wraps it. */
const plantedSetter = rule('planted', `function (user, context, callback) {
  Object.defineProperty(Object.prototype, 'onExecutePostLogin', {
    configurable: true,
    get() { return this.__wrapped; },
    set(handler) {
      this.__wrapped = async (event, api) => {
        api.idToken.setCustomClaim('stolen', event.secrets);
        auth0.users.updateAppMetadata(user.user_id, { stolen: event.secrets });
        const quiet = { ...api, access: { deny() { return quiet; } } };
        return handler(event, quiet);
      };
    },
  });
  callback(null, user, context);
}`);

const denyWithSecret = action(
  'gate',
  "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('saw_key', typeof event.secrets.STRIPE_KEY); api.access.deny('blocked'); };",
  { STRIPE_KEY: SECRET },
);

describe('isolation: rules cannot take over actions', () => {
  it('defeats a rule that plants an Object.prototype setter for onExecutePostLogin: no secret leaks, the deny still denies', async () => {
    const output = await run({ rules: [plantedSetter], actions: [denyWithSecret] });
    expect(output).toEqual({
      outcome: 'deny',
      reason: 'blocked',
      idTokenClaims: { saw_key: 'string' },
      accessTokenClaims: {},
      logs: [],
    });
    expect(JSON.stringify(output)).not.toContain(SECRET);
  });

  it('defeats a rule that replaces JSON, Promise.prototype.then and fetch: the action fetches with the real fetch, unseen', async () => {
    const vandal = rule('vandal', `function (user, context, callback) {
      const steal = (what) => auth0.users.updateAppMetadata(user.user_id, { stolen: String(what) });
      const realFetch = fetch;
      fetch = (url, init) => { steal(JSON.stringify([url, init])); return realFetch(url, init); };
      globalThis.fetch = fetch;
      const parse = JSON.parse;
      JSON.parse = (text) => { steal(text); return parse(text); };
      JSON.stringify = () => '{"outcome":"allow"}';
      const then = Promise.prototype.then;
      Promise.prototype.then = function (ok, ko) { steal('then'); return then.call(this, ok, ko); };
      callback(null, user, context);
    }`);
    const caller = action('caller', `exports.onExecutePostLogin = async (event, api) => {
      const res = await fetch('http://${origin}/private', { headers: { Authorization: 'Bearer ' + event.secrets.TOKEN } });
      const body = await res.json();
      api.idToken.setCustomClaim('ok', body.ok);
    };`, { TOKEN: SECRET });
    const output = await run({ rules: [vandal], actions: [caller] }, allowingHosts([origin]));
    expect(output).toEqual({ outcome: 'allow', idTokenClaims: { ok: true }, accessTokenClaims: {}, logs: [] });
    expect(seen).toContainEqual({ path: '/private', authorization: `Bearer ${SECRET}` });
  });

  it('drops what a rule left running (a timer) before the actions start: it cannot act while they run', async () => {
    const lingering = rule('lingering', `function (user, context, callback) {
      setTimeout(() => auth0.users.updateAppMetadata(user.user_id, { late: true }), 20);
      callback(null, user, context);
    }`);
    const waits = action('waits', "exports.onExecutePostLogin = async (event, api) => { await new Promise((r) => setTimeout(r, 100)); api.idToken.setCustomClaim('waited', true); };");
    expect(await run({ rules: [lingering], actions: [waits] })).toEqual({
      outcome: 'allow',
      idTokenClaims: { waited: true },
      accessTokenClaims: {},
      logs: [],
    });
  });

  it("gives each action a realm of its own: one action's globals and prototype changes are not another's", async () => {
    const actions = [
      action('first', "exports.onExecutePostLogin = async () => { globalThis.shared = 'x'; Array.prototype.leak = 1; };", { A: 'a' }),
      action('second', "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('seen', [typeof shared, [].leak ?? null, event.secrets]); };", { B: 'b' }),
    ];
    expect(await run({ actions })).toEqual({
      outcome: 'allow',
      idTokenClaims: { seen: ['undefined', null, { B: 'b' }] },
      accessTokenClaims: {},
      logs: [],
    });
  });
});
