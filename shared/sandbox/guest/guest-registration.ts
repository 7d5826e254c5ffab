/**
 * Guest code for one pre-user-registration Action's context (after guest-runtime.ts, in the same
 * closure), as guest-action.ts is for post-login: a fresh QuickJS context holding only this
 * action's code and secrets, the user about to be created with the metadata as changed so far,
 * and the request. Auth0's `event` and `api` for this trigger; it reports 'allow' (go on) with the
 * metadata patches so far, 'invalid' (api.validation.error), 'deny' (api.access.deny) or a failure.
 *
 * A refusal is recorded, not thrown: as on Auth0 the action runs to its end and the signup stops
 * after it. When an action refuses more than once, its last call decides (as api.access.deny does
 * in post-login).
 */
export const GUEST_REGISTRATION = String.raw`
const action = input.action;

function loadAction() {
  const factory = globalEval('(function (exports, require, module, __filename, __dirname) {' + action.code + '\n})');
  const module = { exports: {} };
  apply(factory, module.exports, [module.exports, require, module, '/actions/' + action.id + '.js', '/actions']);
  const exported = module.exports;
  return exported === null || exported === undefined ? undefined : exported.onExecutePreUserRegistration;
}

function eventFor() {
  const r = input.request;
  const user = userNow();
  // No id yet: the user does not exist until every action has allowed it.
  delete user.user_id;
  const event = {
    user,
    client: toJson(input.client),
    connection: toJson(input.connection),
    // No geolocation here: an empty geoip keeps event.request.geoip.countryCode readable (undefined).
    request: { body: toJson(r.body), geoip: {}, hostname: r.hostname, ip: r.ip, language: r.language, method: r.method, user_agent: r.user_agent },
    secrets: toJson(action.secrets),
    tenant: { id: input.tenant },
  };
  if (isObject(input.transaction)) event.transaction = toJson(input.transaction);
  return event;
}

function text(v) { return v === undefined || v === null ? '' : String(v); }

function apiFor(state) {
  const api = {};
  api.user = freeze({ setUserMetadata: metadataSetter('user', api), setAppMetadata: metadataSetter('app', api) });
  api.validation = freeze({ error(code, message) { state.refusal = { outcome: 'invalid', code: text(code), message: text(message) }; return api; } });
  api.access = freeze({
    deny(reason, userMessage) {
      state.refusal = { outcome: 'deny', reason: text(reason) };
      if (userMessage !== undefined && userMessage !== null) state.refusal.userMessage = String(userMessage);
      return api;
    },
  });
  return freeze(api);
}

function concludeRegistration(state) {
  const result = state.refusal || { outcome: 'allow' };
  if (result.outcome === 'allow') {
    if (patches.user && keys(patches.user).length) result.userMetadata = patches.user;
    if (patches.app && keys(patches.app).length) result.appMetadata = patches.app;
  }
  finish(result);
}

async function runAction() {
  const at = enter('action', action.name);
  const state = { refusal: undefined };
  try {
    const handler = loadAction();
    if (typeof handler === 'function') await handler(eventFor(), apiFor(state));
  } catch (e) {
    return fail(at, 'threw', describe(e));
  }
  concludeRegistration(state);
}

apply(then, runAction(), [undefined, function (e) { fail(step, 'threw', describe(e)); }]);
`;
