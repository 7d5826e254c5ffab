/**
 * Guest code, part 2 of 2 (after guest-runtime.ts, in the same closure): runs the rules in order
 * with Auth0's `function (user, context, callback)` contract, then the post-login actions, and
 * reports one outcome through `host.finish`. Failures are reported as `{ kind, step, message }`;
 * the host turns them into messages (outcome.ts). A rule that never calls back, loops, or runs
 * out of memory cannot report anything: the host notices those itself.
 */
export const GUEST_PIPELINE = String.raw`
const rules = input.rules;
const actions = input.actions;

function conclude(outcome, reason, claims) {
  const result = { outcome };
  if (outcome === 'deny') result.reason = reason;
  if (patches.user && keys(patches.user).length) result.userMetadata = patches.user;
  if (patches.app && keys(patches.app).length) result.appMetadata = patches.app;
  result.idTokenClaims = claims.id;
  result.accessTokenClaims = claims.access;
  finish(result);
}

// What the rules put in context.idToken / context.accessToken, as JSON (functions, undefined dropped).
function claimsOf(context, at) {
  try {
    return { id: jsonObject(context && context.idToken), access: jsonObject(context && context.accessToken) };
  } catch (e) {
    fail(at, 'claims', describe(e));
    return undefined;
  }
}

// Pasted rules often end in a semicolon or a comment after the closing brace, which would break
// the function expression: anything after the last brace that is only that is cut.
function ruleSource(script) {
  const text = String(script);
  const end = text.lastIndexOf('}');
  const tail = text.slice(end + 1);
  const body = end >= 0 && /^(?:\s|;|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/.test(tail) ? text.slice(0, end + 1) : text;
  return '(' + body + '\n)';
}

function runRule(i, user, context, previous) {
  if (settled) return;
  if (i === rules.length) return startActions(context, previous);
  const rule = rules[i];
  const at = enter('rule', rule.name);
  let calls = 0;
  function callback(err, nextUser, nextContext) {
    calls += 1;
    if (settled) return;
    if (calls > 1) return fail(at, 'twice', '');
    if (err !== null && err !== undefined) {
      if (err instanceof UnauthorizedError) {
        const claims = claimsOf(context, at);
        return claims && conclude('deny', String(err.message), claims);
      }
      return fail(at, 'callback', describe(err));
    }
    const u = nextUser === undefined ? user : nextUser;
    const c = nextContext === undefined ? context : nextContext;
    // Continue on a later job, so a rule that calls back and then throws still fails.
    later(function () { runRule(i + 1, u, c, at); });
  }
  try {
    const fn = globalEval(ruleSource(rule.script));
    if (typeof fn !== 'function') return fail(at, 'not-a-function', '');
    failOnRejection(at, fn(user, context, callback));
  } catch (e) {
    fail(at, 'threw', describe(e));
  }
}

function startActions(context, lastRule) {
  const claims = claimsOf(context, lastRule);
  if (!claims) return;
  apply(then, runActions(claims), [undefined, function (e) { fail(step, 'threw', describe(e)); }]);
}

function loadAction(action) {
  const factory = globalEval('(function (exports, require, module, __filename, __dirname) {' + action.code + '\n})');
  const module = { exports: {} };
  apply(factory, module.exports, [module.exports, require, module, '/actions/' + action.id + '.js', '/actions']);
  const exported = module.exports;
  return exported === null || exported === undefined ? undefined : exported.onExecutePostLogin;
}

function eventFor(action) {
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

function apiFor(claims, state) {
  const api = {};
  function metadataSetter(store) {
    return function (key, value) {
      if (typeof key !== 'string' || key === '') throw new TypeErrorCtor('the metadata key must be a non-empty string');
      const json = value === undefined ? null : toJson(value);
      if (json === undefined) throw new TypeErrorCtor('the metadata value must be JSON (or null to remove the key)');
      const patch = {};
      setOwn(patch, key, json);
      record(store, patch);
      return api;
    };
  }
  function claimSetter(target) {
    return function (name, value) {
      if (typeof name !== 'string' || name === '') throw new TypeErrorCtor('the claim name must be a non-empty string');
      const json = toJson(value);
      if (json === undefined) delete target[name]; else setOwn(target, name, json);
      return api;
    };
  }
  api.user = freeze({ setUserMetadata: metadataSetter('user'), setAppMetadata: metadataSetter('app') });
  api.idToken = freeze({ setCustomClaim: claimSetter(claims.id) });
  api.accessToken = freeze({ setCustomClaim: claimSetter(claims.access) });
  api.access = freeze({ deny(reason) { state.denied = reason === undefined ? '' : String(reason); return api; } });
  return freeze(api);
}

async function runActions(claims) {
  for (const action of actions) {
    if (settled) return;
    const at = enter('action', action.name);
    const state = { denied: undefined };
    try {
      const handler = loadAction(action);
      if (typeof handler === 'function') await handler(eventFor(action), apiFor(claims, state));
    } catch (e) {
      return fail(at, 'threw', describe(e));
    }
    // api.access.deny: this action finishes, later ones do not run (as on Auth0).
    if (state.denied !== undefined) return conclude('deny', state.denied, claims);
  }
  conclude('allow', '', claims);
}

const firstContext = toJson(input.context);
firstContext.idToken = {};
firstContext.accessToken = {};
runRule(0, toJson(input.user), firstContext, null);
`;
