import { describe, expect, it } from 'vitest';
import { loginInput, rule, run } from '#test/unit/extensions/login-input';

/**
 * auth0.users.updateUserMetadata / updateAppMetadata: rules send the whole object; the runner
 * records Auth0 merge patches (top-level keys set, null deletes, {} clears) in call order.
 */

const user = (userMetadata: Record<string, unknown>, appMetadata: Record<string, unknown> = {}) => ({
  ...loginInput().user,
  user_metadata: userMetadata as never,
  app_metadata: appMetadata as never,
});

describe('rules: metadata updates', () => {
  it("records Auth0's documented pattern: change the object, send it whole, call back when saved", async () => {
    const script = `function (user, context, callback) {
      user.user_metadata = user.user_metadata || {};
      user.user_metadata.hobby = 'surfing';
      user.user_metadata.favorite_color = null;
      auth0.users.updateUserMetadata(user.user_id, user.user_metadata)
        .then(function () {
          user.app_metadata.roles = ['admin'];
          return auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
        })
        .then(function () { callback(null, user, context); })
        .catch(function (err) { callback(err); });
    }`;
    expect(await run({ rules: [rule('save', script)] })).toEqual({
      outcome: 'allow',
      userMetadata: { favorite_color: null, preferred_contact: 'email', hobby: 'surfing' },
      appMetadata: { plan: 'free', roles: ['admin'] },
      idTokenClaims: {},
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('merges the patches of several calls and rules in call order; a nested object replaces', async () => {
    const rules = [
      rule('one', `function (user, context, callback) {
        auth0.users.updateUserMetadata(user.user_id, { a: 1, b: { x: 1, y: 2 } });
        auth0.users.updateUserMetadata(user.user_id, { a: 2, c: 3 }).then(() => callback(null, user, context));
      }`),
      rule('two', `function (user, context, callback) {
        auth0.users.updateUserMetadata(user.user_id, { b: { z: 1 }, c: null }).then(() => callback(null, user, context));
      }`),
    ];
    expect(await run({ rules, user: user({}) })).toMatchObject({
      outcome: 'allow',
      userMetadata: { a: 2, b: { z: 1 }, c: null },
    });
  });

  it('turns {} (which clears on Auth0) into deletions of every key, so later keys still merge', async () => {
    const script = `function (user, context, callback) {
      auth0.users.updateUserMetadata(user.user_id, {})
        .then(() => auth0.users.updateUserMetadata(user.user_id, { fresh: true }))
        .then((updated) => { context.idToken.after = updated.user_metadata; callback(null, user, context); });
    }`;
    expect(await run({ rules: [rule('reset', script)], user: user({ x: 1, y: 2 }) })).toMatchObject({
      userMetadata: { x: null, y: null, fresh: true },
      idTokenClaims: { after: { fresh: true } },
    });
  });

  it('leaves metadata out of the output when no rule changed it', async () => {
    const output = await run({ rules: [rule('noop', 'function (u, c, cb) { u.user_metadata.local = 1; cb(null, u, c); }')] });
    expect(output).toEqual({ outcome: 'allow', idTokenClaims: {}, accessTokenClaims: {}, logs: [] });
  });

  it("refuses another user's id (the promise rejects) and records nothing", async () => {
    const script = `function (user, context, callback) {
      auth0.users.updateAppMetadata('auth0|someone-else', { roles: ['admin'] })
        .then(() => callback(null, user, context))
        .catch((err) => { context.idToken.refused = err.message; callback(null, user, context); });
    }`;
    expect(await run({ rules: [rule('other-user', script)] })).toEqual({
      outcome: 'allow',
      idTokenClaims: { refused: 'auth0.users can only update the user who is logging in' },
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('supports the callback style of the legacy management client', async () => {
    const script = `function (user, context, callback) {
      auth0.users.updateUserMetadata(user.user_id, { cb: 'style' }, function (err) {
        callback(err, user, context);
      });
    }`;
    expect(await run({ rules: [rule('legacy', script)] })).toMatchObject({
      outcome: 'allow',
      userMetadata: { cb: 'style' },
    });
  });

  it('returns the changes made before a rule denied the login', async () => {
    const script = `function (user, context, callback) {
      auth0.users.updateAppMetadata(user.user_id, { denied_at: 1 })
        .then(() => callback(new UnauthorizedError('Not today')));
    }`;
    expect(await run({ rules: [rule('deny', script)] })).toEqual({
      outcome: 'deny',
      reason: 'Not today',
      appMetadata: { denied_at: 1 },
      idTokenClaims: {},
      accessTokenClaims: {},
      logs: [],
    });
  });

  it('exposes auth0.domain', async () => {
    const script = 'function (u, c, cb) { c.idToken.domain = auth0.domain; cb(null, u, c); }';
    expect(await run({ rules: [rule('domain', script)] })).toMatchObject({ idTokenClaims: { domain: 'localhost:3000' } });
  });
});
