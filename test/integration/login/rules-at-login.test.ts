import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { claimsOf, login, PASSWORD, seedApplication, seedLoginUser } from '#test/support/logins';

/**
 * Rules and actions run at login through the real Management API, the real loader and the
 * in-process sandbox: what they write lands in the user, what they claim lands in the tokens and
 * in /userinfo, what they refuse fails the login.
 */
let app: { client_id: string; client_secret: string };
const created: { rules: string[]; bindings: boolean } = { rules: [], bindings: false };

beforeAll(async () => {
  app = await seedApplication();
});

afterEach(async () => {
  for (const id of created.rules.splice(0)) await call('rules-delete', { params: { id }, scopes: ['delete:rules'] });
  if (created.bindings) {
    await call('actions-bindings-update', { params: { triggerId: 'post-login' }, scopes: ['update:actions'], body: { bindings: [] } });
    created.bindings = false;
  }
});

async function addRule(name: string, script: string, order?: number) {
  const res = await call('rules-create', { scopes: ['create:rules'], body: { name, script, enabled: true, ...(order ? { order } : {}) } });
  expect(res.status, res.text).toBe(201);
  created.rules.push(res.body.id);
  return res.body;
}

async function bindAction(name: string, code: string) {
  const action = await call('actions-create', {
    scopes: ['create:actions'],
    body: { name, code, supported_triggers: [{ id: 'post-login', version: 'v3' }], secrets: [{ name: 'API_KEY', value: 's3cr3t' }] },
  });
  expect(action.status, action.text).toBe(201);
  const deployed = await call('actions-deploy', { params: { id: action.body.id }, scopes: ['create:actions'] });
  expect(deployed.status, deployed.text).toBeLessThan(300);
  const bound = await call('actions-bindings-update', {
    params: { triggerId: 'post-login' }, scopes: ['update:actions'],
    body: { bindings: [{ ref: { type: 'action_id', value: action.body.id }, display_name: name }] },
  });
  expect(bound.status, bound.text).toBe(200);
  created.bindings = true;
}

/** Taken unchanged from Auth0's documentation (add user_metadata to ID token claims). */
const AUTH0_DOCS_RULE = `function (user, context, callback) {
  const namespace = 'https://myapp.example.com/';
  context.idToken[namespace + 'favorite_color'] = user.user_metadata.favorite_color;
  context.idToken[namespace + 'preferred_contact'] = user.user_metadata.preferred_contact;
  callback(null, user, context);
}`;

describe('rules at login', () => {
  it("runs Auth0's documented rule: user_metadata becomes namespaced ID token claims, seen in /userinfo", async () => {
    await addRule('add-metadata-claims', AUTH0_DOCS_RULE);
    const user = await seedLoginUser({ user_metadata: { favorite_color: 'blue', preferred_contact: 'email' } });
    const res = await login(app, { username: user.email, password: PASSWORD, scope: 'openid profile' });
    expect(res.status, res.text).toBe(200);
    expect(claimsOf(res.body.id_token)).toMatchObject({
      'https://myapp.example.com/favorite_color': 'blue', 'https://myapp.example.com/preferred_contact': 'email',
    });
    const info = await call('userinfo', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(info.body).toMatchObject({ sub: user.user_id, 'https://myapp.example.com/favorite_color': 'blue' });
  });

  it('persists metadata a rule writes, with context and configuration available', async () => {
    await call('rules-configs-put', { params: { key: 'PLAN' }, scopes: ['update:rules_configs'], body: { value: 'gold' } });
    await addRule('stamp', `function (user, context, callback) {
      user.app_metadata = user.app_metadata || {};
      user.app_metadata.plan = configuration.PLAN;
      user.app_metadata.last_client = context.clientID;
      user.user_metadata.logins = context.stats.loginsCount;
      Promise.all([
        auth0.users.updateAppMetadata(user.user_id, user.app_metadata),
        auth0.users.updateUserMetadata(user.user_id, user.user_metadata),
      ]).then(function () { callback(null, user, context); }).catch(callback);
    }`);
    const user = await seedLoginUser({ user_metadata: { theme: 'dark' } });
    expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(200);
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body.app_metadata).toEqual({ plan: 'gold', last_client: app.client_id });
    expect(read.body.user_metadata).toEqual({ theme: 'dark', logins: 1 });
  });

  it('fails the login with access_denied when a rule calls back with UnauthorizedError', async () => {
    await addRule('deny', `function (user, context, callback) { callback(new UnauthorizedError('Access denied: ' + user.email)); }`);
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'access_denied', error_description: `Access denied: ${user.email}` });
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body).not.toHaveProperty('logins_count');
  });

  it('fails the login clearly when a rule loops, writes nothing, and the next login works', async () => {
    const loop = await addRule('loops', `function (user, context, callback) {
      auth0.users.updateUserMetadata(user.user_id, { touched: true });
      while (true) {}
    }`);
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'server_error',
      error_description: expect.stringMatching(/^A rule or action failed during this login; the tenant log has the details\. Reference: [0-9a-f-]{36}$/),
    });
    await call('rules-delete', { params: { id: loop.id }, scopes: ['delete:rules'] });
    created.rules.splice(created.rules.indexOf(loop.id), 1);
    expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(200);
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body).not.toHaveProperty('user_metadata');
  });

  it("never shows a failing rule's error text (it may carry configuration secrets) to the client", async () => {
    await call('rules-configs-put', { params: { key: 'DB_PASSWORD' }, scopes: ['update:rules_configs'], body: { value: 'hunter2' } });
    await addRule('leaky', `function (user, context, callback) { callback(new Error('db password is ' + configuration.DB_PASSWORD)); }`);
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD });
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toContain('leaky');
  });

  it('drops reserved and forbidden claims silently, keeps namespaced ones on access tokens', async () => {
    await addRule('claims', `function (user, context, callback) {
      context.idToken.sub = 'someone-else';
      context.idToken.email = 'spoof@example.com';
      context.idToken['https://auth0.com/x'] = 1;
      context.idToken.plain = 'ok-in-id-token';
      context.accessToken.plain = 'not-on-auth0-apis';
      context.accessToken['https://myapp.example.com/role'] = 'admin';
      callback(null, user, context);
    }`);
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD, scope: 'openid email' });
    const id = claimsOf(res.body.id_token);
    expect(id).toMatchObject({ sub: user.user_id, email: user.email, plain: 'ok-in-id-token' });
    expect(id).not.toHaveProperty(['https://auth0.com/x']);
    const access = claimsOf(res.body.access_token);
    expect(access['https://myapp.example.com/role']).toBe('admin');
    expect(access).not.toHaveProperty('plain');
  });
});

describe('actions at login', () => {
  it('runs after rules: sets metadata and claims, sees secrets and the rules\' changes', async () => {
    await addRule('first', `function (user, context, callback) {
      user.user_metadata.from_rule = 'yes';
      auth0.users.updateUserMetadata(user.user_id, user.user_metadata).then(function () { callback(null, user, context); });
    }`);
    await bindAction('post-login-claims', `exports.onExecutePostLogin = async (event, api) => {
      api.user.setAppMetadata('seen_rule', event.user.user_metadata.from_rule);
      api.idToken.setCustomClaim('https://myapp.example.com/has_key', event.secrets.API_KEY === 's3cr3t');
    };`);
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD, scope: 'openid' });
    expect(res.status, res.text).toBe(200);
    expect(claimsOf(res.body.id_token)['https://myapp.example.com/has_key']).toBe(true);
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body.user_metadata).toEqual({ from_rule: 'yes' });
    expect(read.body.app_metadata).toEqual({ seen_rule: 'yes' });
  });

  it('api.access.deny fails the login, and metadata set before it still applies', async () => {
    await bindAction('deny-action', `exports.onExecutePostLogin = async (event, api) => {
      api.user.setUserMetadata('denied_at_login', true);
      api.access.deny('No access from this app');
    };`);
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'access_denied', error_description: 'No access from this app' });
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body.user_metadata).toEqual({ denied_at_login: true });
  });
});
