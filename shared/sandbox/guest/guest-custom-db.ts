/**
 * Guest code for one call of one custom database script (after guest-runtime.ts and
 * guest-modules.ts, in the same closure), in a fresh QuickJS context of its own.
 *
 * The script is Auth0's form: one function, named or anonymous, plain or async. It is first
 * evaluated as an expression; if that is not a function (or does not parse: several statements),
 * it runs as a program and the function is taken by the names Auth0's templates use.
 *
 * The callback decides: the first call reports done (the value as JSON), refused
 * (WrongUsernameOrPasswordError, ValidationError) or a failure. A second call is reported to the
 * host (`host.twice`), which turns the outcome into a failure; the host ends the run only once the
 * job queue is empty, so every second call made in the same turn or in promise jobs after it is
 * seen. A call from host work that settles after that (a late fetch or timer) is not: the run has
 * ended and its host work is cancelled.
 */
export const FUNCTION_NAMES = {
  login: ['login'],
  get_user: ['getUser', 'getByEmail'],
  create: ['create'],
  verify: ['verify'],
  change_password: ['changePassword'],
  delete: ['deleteUser', 'remove'],
  change_email: ['changeEmail'],
} as const;

export const GUEST_CUSTOM_DB = String.raw`
const SyntaxErrorCtor = SyntaxError;
const FUNCTION_NAMES = ${JSON.stringify(FUNCTION_NAMES)};

// Auth0's error constructors for scripts (instances of Error, name set).
function errorClass(name, init) {
  function E(a, b) {
    if (!new.target) return new E(a, b);
    init(this, a, b);
  }
  E.prototype = create(ErrorCtor.prototype, {
    constructor: { value: E, writable: true, configurable: true },
    name: { value: name, writable: true, configurable: true },
  });
  defineProperty(E, 'name', { value: name });
  return freeze(E);
}
function text(v) { return v === undefined || v === null ? '' : String(v); }
const WrongUsernameOrPasswordError = errorClass('WrongUsernameOrPasswordError', (self, emailOrId, message) => {
  defineProperty(self, 'message', { value: text(message), writable: true, configurable: true });
  defineProperty(self, 'userId', { value: text(emailOrId), writable: true, configurable: true });
});
const ValidationError = errorClass('ValidationError', (self, code, message) => {
  defineProperty(self, 'code', { value: text(code), writable: true, configurable: true });
  defineProperty(self, 'message', { value: text(message), writable: true, configurable: true });
});
define('WrongUsernameOrPasswordError', WrongUsernameOrPasswordError, false);
define('ValidationError', ValidationError, false);
G.require = requireModule;

// As for rules: a trailing semicolon or comment after the last brace would break the expression.
function expressionOf(source) {
  const end = source.lastIndexOf('}');
  const tail = source.slice(end + 1);
  const body = end >= 0 && /^(?:\s|;|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*$/.test(tail) ? source.slice(0, end + 1) : source;
  return '(' + body + '\n)';
}
function loadScript(name, source) {
  let fn;
  try {
    fn = globalEval(expressionOf(source));
  } catch (e) {
    if (!(e instanceof SyntaxErrorCtor)) throw e;
  }
  if (typeof fn === 'function') return fn;
  // The lookup runs inside the program's own eval: its let and const bindings end with it.
  const names = FUNCTION_NAMES[name] || [];
  const lookup = names.map((n) => 'typeof ' + n + " === 'function' ? " + n + ' : undefined').join(', ');
  const found = globalEval(source + '\n;[' + lookup + ']');
  for (const candidate of found) if (typeof candidate === 'function') return candidate;
  return undefined;
}

function refusalOf(err) {
  const name = err instanceof WrongUsernameOrPasswordError ? 'WrongUsernameOrPasswordError'
    : err instanceof ValidationError ? 'ValidationError'
    : err instanceof ErrorCtor && (err.name === 'WrongUsernameOrPasswordError' || err.name === 'ValidationError') ? err.name
    : undefined;
  if (!name) return undefined;
  const refusal = { name, message: text(err.message) };
  if (name === 'ValidationError') refusal.code = text(err.code);
  return refusal;
}

function runScript() {
  const name = String(input.script);
  const at = enter('script', name);
  let calls = 0;
  function callback(err, value) {
    calls += 1;
    if (calls > 1) {
      if (calls === 2) host.twice();
      return;
    }
    try {
      if (err !== null && err !== undefined) {
        const refusal = refusalOf(err);
        return refusal ? finish({ outcome: 'refused', error: refusal }) : fail(at, 'callback', describe(err));
      }
      const json = value === undefined ? null : toJson(value);
      if (json === undefined) return fail(at, 'result', typeof value);
      finish({ outcome: 'done', value: json });
    } catch (e) {
      fail(at, 'result', describe(e));
    }
  }
  try {
    const fn = loadScript(name, String(input.source));
    if (typeof fn !== 'function') return fail(at, 'not-a-function', '');
    failOnRejection(at, apply(fn, undefined, toJson(input.args).concat([callback])));
  } catch (e) {
    fail(at, 'threw', describe(e));
  }
}

runScript();
`;
