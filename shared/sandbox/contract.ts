import type { JsonObject, JsonValue } from '#shared/platform/json';

/**
 * What crosses between the token endpoint (or the signup) and the extensions runner (rules and Actions). The
 * runner is a separate Lambda in AWS with no access to the table or keys; it receives only this
 * input and returns only this output, so both must be plain JSON. The token endpoint validates
 * the output (metadata rules, claim rules) before persisting or signing anything.
 */

/** An enabled rule, in `order`. */
export interface RuleScript {
  id: string;
  name: string;
  script: string;
}

/** A deployed Action bound to the post-login trigger, in binding order. */
export interface ActionScript {
  id: string;
  name: string;
  code: string;
  secrets: Record<string, string>;
}

/** The user as rules and actions see it: Auth0's profile (wire form), metadata always objects. */
export type ExtensionUser = JsonObject & { user_id: string; user_metadata: JsonObject; app_metadata: JsonObject };

/** Auth0's rule `context`, less `idToken`/`accessToken` (the runner adds those as empty objects). */
export interface ExtensionContext {
  tenant: string;
  clientID: string;
  clientName: string;
  clientMetadata: Record<string, string>;
  connection: string;
  connectionID: string;
  connectionStrategy: string;
  /** e.g. `oauth2-password`, `oauth2-resource-owner`, `oauth2-refresh-token`, `oidc-basic-profile`. */
  protocol: string;
  request: {
    ip: string;
    userAgent?: string;
    hostname: string;
    query: Record<string, string>;
    body: Record<string, string>;
  };
  stats: { loginsCount: number };
  sessionID: string;
  authentication: { methods: { name: string; timestamp: number }[] };
  /** The audience and scopes the login asked for (Actions' `event.transaction` reads these). */
  audience?: string;
  scope: string[];
}

export interface LoginExtensionInput {
  /** Absent in inputs made before issue 11; the runner treats absent as post-login. */
  trigger?: 'post-login';
  rules: RuleScript[];
  actions: ActionScript[];
  /** rules-configs, as `configuration` in rules. */
  configuration: Record<string, string>;
  user: ExtensionUser;
  context: ExtensionContext;
  /** The tenant's domain, as `auth0.domain` in rules (e.g. `localhost:3000`). */
  domain: string;
  limits: {
    /** Budget for all rules and actions of one login (Auth0: 20 s). */
    totalMs: number;
    /** Memory cap for the sandbox. */
    memoryBytes: number;
  };
}

/** Auth0's merge patch for one metadata object: keys set, `null` deletes. */
export type MetadataPatch = Record<string, JsonValue | null>;

export interface LogLine {
  source: string;
  level: 'log' | 'info' | 'warn' | 'error';
  message: string;
}

interface Changes {
  /** Merged in order over all rules and actions; absent when nothing changed. */
  userMetadata?: MetadataPatch;
  appMetadata?: MetadataPatch;
  /** What rules put in `context.idToken` / actions set with `api.idToken.setCustomClaim`. */
  idTokenClaims: Record<string, JsonValue>;
  accessTokenClaims: Record<string, JsonValue>;
  logs: LogLine[];
}

/**
 * allow: issue tokens. deny: a rule called back with UnauthorizedError, or an action called
 * `api.access.deny` — the login fails with access_denied and `reason`; metadata changes made
 * before still apply (as on Auth0). error: a rule or action failed (threw, timed out, exhausted
 * memory, never called back, called back twice, required an unknown module) — the login fails,
 * nothing is written.
 */
export type LoginExtensionOutput =
  | ({ outcome: 'allow' } & Changes)
  | ({ outcome: 'deny'; reason: string } & Changes)
  | ExtensionFailure;

/** Any trigger: a script failed (threw, timed out, ran out of memory, never settled) or the runner did. */
export interface ExtensionFailure {
  outcome: 'error';
  error: string;
  source: string;
  logs: LogLine[];
}

// ---- pre-user-registration (issue 11) ----------------------------------------------------------

/**
 * The user as Auth0's pre-user-registration `event.user` shows it: what the signup set (no id yet:
 * the user does not exist), user_metadata as submitted and app_metadata empty.
 */
export type RegistrationUser = JsonObject & { email: string; user_metadata: JsonObject; app_metadata: JsonObject };

/** Auth0's `event.transaction` of a hosted-page signup (absent for /dbconnections/signup, as on Auth0). */
export interface RegistrationTransaction {
  locale: string;
  protocol?: string;
  redirect_uri?: string;
  requested_scopes?: string[];
  response_mode?: string;
  response_type?: string[];
  state?: string;
  ui_locales?: string[];
  acr_values?: string[];
}

export interface RegistrationExtensionInput {
  trigger: 'pre-user-registration';
  /** Deployed actions bound to pre-user-registration, in binding order. */
  actions: ActionScript[];
  user: RegistrationUser;
  client: { client_id: string; name: string; metadata: Record<string, string> };
  connection: { id: string; name: string; strategy: string; metadata: Record<string, string> };
  request: {
    ip: string;
    hostname: string;
    method: string;
    user_agent?: string;
    language?: string;
    /** The posted fields without the password (`ulp-*` fields of the hosted page included). */
    body: JsonObject;
  };
  transaction?: RegistrationTransaction;
  tenant: string;
  limits: LoginExtensionInput['limits'];
}

/**
 * allow: create the user with the metadata patches merged in (absent when nothing changed).
 * invalid: an action called `api.validation.error(code, message)`. deny: `api.access.deny(reason,
 * userMessage)`. Either stops the signup once that action returns; no later action runs and
 * nothing is written. error: as for logins; nothing is written.
 */
export type RegistrationExtensionOutput =
  | { outcome: 'allow'; userMetadata?: MetadataPatch; appMetadata?: MetadataPatch; logs: LogLine[] }
  | { outcome: 'invalid'; code: string; message: string; logs: LogLine[] }
  | { outcome: 'deny'; reason: string; userMessage?: string; logs: LogLine[] }
  | ExtensionFailure;

/** What the runner Lambda and the worker threads take: the trigger tells them apart. */
export type ExtensionInput = LoginExtensionInput | RegistrationExtensionInput | CustomDbInput;
export type ExtensionOutput = LoginExtensionOutput | RegistrationExtensionOutput | CustomDbOutput;

export const isRegistrationInput = (input: ExtensionInput): input is RegistrationExtensionInput =>
  input.trigger === 'pre-user-registration';

export interface ExtensionsRunner {
  run(input: LoginExtensionInput): Promise<LoginExtensionOutput>;
  /** One signup's pre-user-registration actions. */
  register(input: RegistrationExtensionInput): Promise<RegistrationExtensionOutput>;
  /** One call of a custom database connection's script. */
  customDb(input: CustomDbInput): Promise<CustomDbOutput>;
}

// ---- custom database scripts (issue 13) ----------------------------------------------------------

/** A custom database connection's scripts, by their key in `options.customScripts` (Auth0's names). */
export const CUSTOM_DB_SCRIPTS = ['login', 'get_user', 'create', 'verify', 'change_password', 'delete', 'change_email'] as const;
export type CustomDbScriptName = (typeof CUSTOM_DB_SCRIPTS)[number];

/**
 * One call of one script. The runner evaluates `source` (Auth0's form: a single function, named
 * or not, plain or async), calls it with `args` and a callback, and reports what it called back.
 */
export interface CustomDbInput {
  trigger: 'custom-db';
  script: CustomDbScriptName;
  /** The script's text, as stored in `options.customScripts[script]`. */
  source: string;
  /**
   * The arguments before the callback, as JSON: login [userNameOrEmail, password]; get_user
   * [email]; create [user]; verify [email]; change_password [email, newPassword]; delete [id
   * without the `auth0|` prefix]; change_email [email, newEmail, verified].
   */
  args: JsonValue[];
  /** `options.configuration` in clear, as `configuration` in the script. */
  configuration: Record<string, string>;
  connection: { id: string; name: string };
  limits: LoginExtensionInput['limits'];
}

/** An error a script may call back with that the caller answers as Auth0 does (not a failure). */
export interface CustomDbRefusal {
  name: 'WrongUsernameOrPasswordError' | 'ValidationError';
  /** ValidationError's code (e.g. `user_exists`); absent for WrongUsernameOrPasswordError. */
  code?: string;
  message: string;
}

/**
 * done: the script called back without an error; `value` is the callback's second argument as
 * JSON (`null` when absent or undefined; the caller checks its shape). refused: it called back
 * with WrongUsernameOrPasswordError or ValidationError. error: anything else (called back with
 * any other error, threw, rejected, timed out, called back twice, never called back, a value
 * that is not JSON): the request fails with a reference id and nothing is stored.
 */
export type CustomDbOutput =
  | { outcome: 'done'; value: JsonValue; logs: LogLine[] }
  | { outcome: 'refused'; error: CustomDbRefusal; logs: LogLine[] }
  | ExtensionFailure;

export const isCustomDbInput = (input: ExtensionInput): input is CustomDbInput => input.trigger === 'custom-db';
