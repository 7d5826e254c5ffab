/**
 * Guest code for the rules' context (after guest-runtime.ts, in the same closure): runs the rules
 * in order with Auth0's `function (user, context, callback)` contract, in one realm as Auth0 does
 * (they share `global`), and reports one outcome through `host.finish`: deny, a failure, or
 * 'allow' with the claims and metadata patches the actions then start from (each in a context of
 * its own: guest-action.ts). Failures are reported as `{ kind, step, message }`; the host turns
 * them into messages (outcome.ts). A rule that never calls back, loops, or runs out of memory
 * cannot report anything: the host notices those itself.
 */
export const GUEST_RULES = String.raw`
const rules = input.rules;

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
  if (i === rules.length) {
    const claims = claimsOf(context, previous);
    return claims && conclude('allow', '', claims);
  }
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

const firstContext = toJson(input.context);
firstContext.idToken = {};
firstContext.accessToken = {};
runRule(0, toJson(input.user), firstContext, null);
`;
