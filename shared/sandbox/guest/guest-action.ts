/**
 * Guest code for one post-login Action's context (after guest-runtime.ts, in the same closure).
 * Each action gets a fresh QuickJS context holding only its own code and secrets, the user with
 * the metadata as changed so far, and the claims so far (JSON the host passed in): no rule and no
 * other action shares its realm, so none can wrap its export, read `event.secrets`, replace the
 * built-ins it calls or swallow `api.access.deny`. It reports 'allow' (go on), deny or a failure.
 */
export const GUEST_ACTION = String.raw`
const action = input.action;
const claims = { id: jsonObject(input.claims.id), access: jsonObject(input.claims.access) };

function loadAction() {
  const factory = globalEval('(function (exports, require, module, __filename, __dirname) {' + action.code + '\n})');
  const module = { exports: {} };
  apply(factory, module.exports, [module.exports, require, module, '/actions/' + action.id + '.js', '/actions']);
  const exported = module.exports;
  return exported === null || exported === undefined ? undefined : exported.onExecutePostLogin;
}

function eventFor() {
  const c = input.context;
  const event = {
    user: userNow(),
    client: { client_id: c.clientID, name: c.clientName, metadata: toJson(c.clientMetadata) },
    connection: { id: c.connectionID, name: c.connection, strategy: c.connectionStrategy },
    request: { ip: c.request.ip, user_agent: c.request.userAgent, hostname: c.request.hostname, query: toJson(c.request.query), body: toJson(c.request.body) },
    stats: { logins_count: c.stats.loginsCount },
    secrets: toJson(action.secrets),
    transaction: { protocol: c.protocol, requested_scopes: toJson(c.scope) },
    authentication: { methods: toJson(c.authentication.methods) },
    tenant: { id: c.tenant },
  };
  if (c.audience) event.resource_server = { identifier: c.audience };
  return event;
}

function apiFor(state) {
  const api = {};
  function claimSetter(target) {
    return function (name, value) {
      if (typeof name !== 'string' || name === '') throw new TypeErrorCtor('the claim name must be a non-empty string');
      const json = toJson(value);
      if (json === undefined) delete target[name]; else setOwn(target, name, json);
      return api;
    };
  }
  api.user = freeze({ setUserMetadata: metadataSetter('user', api), setAppMetadata: metadataSetter('app', api) });
  api.idToken = freeze({ setCustomClaim: claimSetter(claims.id) });
  api.accessToken = freeze({ setCustomClaim: claimSetter(claims.access) });
  api.access = freeze({ deny(reason) { state.denied = reason === undefined ? '' : String(reason); return api; } });
  return freeze(api);
}

async function runAction() {
  const at = enter('action', action.name);
  const state = { denied: undefined };
  try {
    const handler = loadAction();
    if (typeof handler === 'function') await handler(eventFor(), apiFor(state));
  } catch (e) {
    return fail(at, 'threw', describe(e));
  }
  // api.access.deny: this action finishes, later ones do not run (as on Auth0; the host stops).
  conclude(state.denied === undefined ? 'allow' : 'deny', state.denied, claims);
}

apply(then, runAction(), [undefined, function (e) { fail(step, 'threw', describe(e)); }]);
`;
