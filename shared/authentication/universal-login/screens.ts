import { timingSafeEqual } from 'node:crypto';
import type { ClientRecord } from '#shared/db/clients-repo';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { endLoginTransaction, findLoginTransaction, type LoginTransactionRecord } from '#shared/db/browser-sessions-repo';
import type { Reply } from '#shared/http/event';
import { loadBranding } from '#shared/tenant/branding';
import { loadClient } from '#shared/tenant/clients';
import { describePolicy, policyFor } from '#shared/tenant/passwords/policy';
import { loadScreenPartials } from '#shared/tenant/prompts';
import { loadTenantSettings } from '#shared/tenant/settings';
import { TooManyAttemptsError, UserBlockedError, WrongCredentialsError, ConnectionDisabledError, UnknownConnectionError, CustomDbLoginFailedError } from '#shared/authentication/errors';
import { answerFailure, loginConnection, type BrowserRequest } from '#shared/authentication/authorize/authorize';
import { answerTarget, completeAuthorization } from '#shared/authentication/authorize/complete';
import { DEVICE_COOKIE, digest } from '#shared/authentication/authorize/cookies';
import { PageError, type AuthorizeParams } from '#shared/authentication/authorize/request';
import { deliver, errorPage, newNonce } from '#shared/authentication/authorize/respond';
import { replaceSession } from '#shared/authentication/authorize/sso';
import { registerDatabaseUser } from '#shared/authentication/dbconnections/signup';
import { authenticatePassword } from '#shared/authentication/login/authenticate';
import { clearAttempt } from '#shared/authentication/login/brute-force';
import { config } from '#shared/platform/config';
import { SignupError } from '#shared/platform/errors';
import { cspSource, pageHeaders, renderScreen, type ScreenModel } from '#shared/authentication/universal-login/pages/index';

/**
 * The hosted screens (/u/login, /u/signup) of a login transaction that /authorize started. Every
 * form post must come from the browser that started the transaction (the `did` cookie's digest is
 * in the transaction) and carry the transaction's CSRF token. A failure is shown on the screen,
 * with what the user typed kept (never the password); success starts the SSO session and answers
 * the application as /authorize would have.
 */
export type Screen = 'login' | 'signup';
const SCREENS = new Set<string>(['login', 'signup']);

interface Transaction {
  id: string;
  record: LoginTransactionRecord;
  params: AuthorizeParams;
  client: ClientRecord;
  connection: ConnectionRecord;
}

const EXPIRED = 'This login link has expired or was already used. Go back to the application and sign in again.';

export async function showScreen(screenName: string, req: BrowserRequest): Promise<Reply> {
  return show(screenName, req).catch(answerFailure);
}

export async function submitScreen(screenName: string, req: BrowserRequest & { form: Record<string, string>; origin?: string }): Promise<Reply> {
  return submit(screenName, req).catch(answerFailure);
}

async function show(screenName: string, req: BrowserRequest): Promise<Reply> {
  const screen = checkScreen(screenName);
  const tx = await openTransaction(req.query.state, req.cookies);
  if (screen === 'signup' && !signupAllowed(tx.connection)) return redirectToScreen('login', tx.id);
  const values: Record<string, string> = tx.params.login_hint ? { [tx.connection.options.requires_username === true && screen === 'login' ? 'username' : 'email']: tx.params.login_hint } : {};
  return renderFor(screen, tx, values, undefined, 200);
}

async function submit(screenName: string, req: BrowserRequest & { form: Record<string, string>; origin?: string }): Promise<Reply> {
  const screen = checkScreen(screenName);
  // Our forms post from our own pages: a browser names another origin only for a cross-site post.
  // (Our pages' no-referrer policy makes the browser send `Origin: null` for our own posts.)
  if (req.origin !== undefined && req.origin !== 'null' && req.origin !== new URL(config.ISSUER).origin) {
    throw new PageError(403, 'Invalid request', 'invalid_origin', 'This form can only be submitted from its own page.');
  }
  const tx = await openTransaction(req.form.state, req.cookies, true);
  if (!sameSecret(req.form._csrf, tx.record.csrf)) {
    return errorPage(403, 'Invalid request', 'This form has expired. Go back to the application and sign in again.', 'invalid_csrf');
  }
  const values = keptValues(req.form);
  const request = { ip: req.ip, ...(req.userAgent ? { userAgent: req.userAgent } : {}) };
  try {
    if (screen === 'signup') {
      if (!signupAllowed(tx.connection)) return redirectToScreen('login', tx.id);
      return await signUpAndAnswer(tx, req.form, request, req.cookies);
    }
    return await logInAndAnswer(tx, req.form, request, req.cookies);
  } catch (error) {
    const inline = inlineError(error);
    if (inline) return renderFor(screen, tx, values, inline, inline.status);
    return answerFailure(error);
  }
}

async function logInAndAnswer(tx: Transaction, form: Record<string, string>, request: { ip: string; userAgent?: string }, cookies: Record<string, string>): Promise<Reply> {
  const identifier = (form.username ?? form.email ?? '').trim();
  const password = form.password ?? '';
  if (!identifier) throw new InlineError('Enter your email address.', 'email');
  if (!password) throw new InlineError('Enter your password.', 'password');
  const { connection, partition, admission } = await authenticatePassword(tx.connection.name, identifier, password, request.ip, tx.client.client_id);
  const authTime = Math.floor(Date.now() / 1000);
  const answer = await completeAuthorization({
    params: tx.params, client: tx.client, connection, partition, authTime, request: { ...request, body: formBody(form) },
  }).finally(() => clearAttempt(admission));
  // The session this browser held before (prompt=login, another user) ends: the new one replaces it.
  const cookie = await replaceSession(cookies, partition, connection, authTime);
  await endLoginTransaction(digest(tx.id));
  return deliver(answerTarget(tx.params), answer, [cookie]);
}

async function signUpAndAnswer(tx: Transaction, form: Record<string, string>, request: { ip: string; userAgent?: string }, cookies: Record<string, string>): Promise<Reply> {
  const email = (form.email ?? '').trim();
  if (!email) throw new InlineError('Enter your email address.', 'email');
  if (!form.password) throw new InlineError('Enter a password.', 'password');
  const username = form.username?.trim();
  const params = Object.assign(Object.create(null) as Record<string, unknown>, {
    client_id: tx.client.client_id,
    connection: tx.connection.name,
    email,
    password: form.password,
    ...(username ? { username } : {}),
  });
  const user = await registerDatabaseUser(params, { ...request, body: formBody(form) });
  const authTime = Math.floor(Date.now() / 1000);
  const answer = await completeAuthorization({
    params: tx.params, client: tx.client, connection: tx.connection, partition: { user, stats: { logins_count: 0 } }, authTime,
    request: { ...request, body: formBody(form) },
  });
  const cookie = await replaceSession(cookies, { user, stats: { logins_count: 0 } }, tx.connection, authTime);
  await endLoginTransaction(digest(tx.id));
  return deliver(answerTarget(tx.params), answer, [cookie]);
}

function checkScreen(name: string): Screen {
  if (!SCREENS.has(name)) throw new PageError(404, 'Page not found', 'not_found', 'There is no such page.');
  return name as Screen;
}

/** The transaction the `state` names, if this browser started it; its application and connection, re-read. */
async function openTransaction(state: string | undefined, cookies: Record<string, string>, posted = false): Promise<Transaction> {
  if (!state || !/^[A-Za-z0-9_-]{43}$/.test(state)) throw new PageError(400, 'Link expired', 'invalid_state', EXPIRED);
  // A form is posted seconds after its screen was read: half a read unit, a miss confirmed strongly.
  const record = (posted ? await findLoginTransaction(digest(state), false) : undefined) ?? (await findLoginTransaction(digest(state)));
  const device = cookies[DEVICE_COOKIE];
  if (!record || record.ttl <= Math.floor(Date.now() / 1000)) throw new PageError(400, 'Link expired', 'invalid_state', EXPIRED);
  if (!device || !sameSecret(digest(device), record.did_hash)) {
    throw new PageError(403, 'Wrong browser', 'invalid_state', 'This login was started in another browser (or its cookies were cleared). Go back to the application and sign in again.');
  }
  const params = record.request as unknown as AuthorizeParams;
  const found = await loadClient(params.client_id);
  if (!found) throw new PageError(400, 'Unknown application', 'invalid_request', 'The application of this login no longer exists.');
  const connection = await loginConnection(params, found.client);
  return { id: state, record, params, client: found.client, connection };
}

async function renderFor(screen: Screen, tx: Transaction, values: Record<string, string>, error: InlineError | undefined, status: number): Promise<Reply> {
  const [branding, partials, settings] = await Promise.all([loadBranding(), loadScreenPartials(screen), loadTenantSettings()]);
  const nonce = newNonce();
  const other: Screen = screen === 'login' ? 'signup' : 'login';
  const background = branding.colors?.page_background;
  const model: ScreenModel = {
    screen,
    formAction: screenPath(screen, tx.id),
    switchUrl: screen === 'signup' || signupAllowed(tx.connection) ? screenPath(other, tx.id) : undefined,
    state: tx.id,
    csrf: tx.record.csrf,
    application: { name: tx.client.name, ...(tx.client.logo_uri ? { logo_uri: tx.client.logo_uri } : {}) },
    branding: {
      ...(branding.logo_url ? { logo_url: branding.logo_url } : {}),
      ...(branding.colors?.primary ? { primary_color: branding.colors.primary } : {}),
      ...(typeof background === 'string' ? { page_background: background } : {}),
    },
    ...(settings.friendly_name ? { tenantName: settings.friendly_name } : {}),
    identifier: tx.connection.options.requires_username === true ? 'email+username' : 'email',
    values,
    ...(error ? { error: { message: error.message, ...(error.field ? { field: error.field } : {}) } } : {}),
    ...(screen === 'signup' ? { passwordRules: passwordRules(tx.connection) } : {}),
    partials,
    nonce,
  };
  const redirectSource = cspSource(tx.params.redirect_uri);
  return {
    status,
    headers: pageHeaders({ nonce, formAction: tx.params.response_mode === 'form_post' ? 'any' : redirectSource ? [redirectSource] : [] }),
    text: renderScreen(model),
  };
}

const screenPath = (screen: Screen, state: string) => `/u/${screen}?state=${encodeURIComponent(state)}`;

function redirectToScreen(screen: Screen, state: string): Reply {
  return { status: 302, headers: { location: screenPath(screen, state), 'cache-control': 'no-store' } };
}

const signupAllowed = (connection: ConnectionRecord) => connection.options.disable_signup !== true;

function passwordRules(connection: ConnectionRecord): string[] {
  return describePolicy(policyFor(connection.options))
    .split('\n')
    .map((line) => line.replace(/^(\s*)\* /, '$1'))
    .filter((line) => line.trim() !== '');
}

/** What the page fills in again after a failure: identifiers and custom fields, never secrets. */
function keptValues(form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    if ((name === 'email' || name === 'username' || name.startsWith('ulp-')) && value.length <= 1000) out[name] = value;
  }
  return out;
}

/** Auth0's `event.request.body` / rules' `context.request.body`: the form without its secrets and plumbing. */
function formBody(form: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(form)) if (!['password', '_csrf', 'state'].includes(name)) out[name] = value;
  return out;
}

function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A failure shown on the screen, next to a field when it concerns one. */
class InlineError extends Error {
  constructor(
    message: string,
    readonly field?: 'email' | 'username' | 'password',
    readonly status = 400,
  ) {
    super(message);
  }
}

function inlineError(error: unknown): InlineError | undefined {
  if (error instanceof InlineError) return error;
  if (error instanceof WrongCredentialsError) return new InlineError('Wrong email or password.', 'password');
  if (error instanceof UserBlockedError) return new InlineError('Your account has been blocked. Contact the application\u2019s support to unblock it.', undefined, 401);
  if (error instanceof TooManyAttemptsError) return new InlineError(error.description, undefined, 429);
  // A custom database's login script failed: the page says so, with the reference the log has.
  if (error instanceof CustomDbLoginFailedError) return new InlineError(`We could not sign you in right now. Try again later (reference ${error.reference}).`, undefined, 503);
  if (error instanceof ConnectionDisabledError || error instanceof UnknownConnectionError) return new InlineError('This application cannot sign you in with this account type.');
  if (error instanceof SignupError) return new InlineError(signupMessage(error), signupField(error));
  return undefined;
}

function signupMessage(error: SignupError): string {
  const userMessage = (error as { userMessage?: unknown }).userMessage;
  if (typeof userMessage === 'string' && userMessage) return userMessage;
  switch (error.code) {
    case 'invalid_signup':
      return 'Something went wrong: an account may already exist with this email. Log in instead, or use another email.';
    case 'invalid_password':
      return error.errorName === 'PasswordStrengthError' ? 'Your password is too weak: it must meet the rules below.' : `${error.description}.`;
    case 'invalid_username':
      return 'That username is not valid.';
    case 'operation_not_allowed':
      return 'Sign up is disabled for this application.';
    default:
      return typeof error.description === 'string' ? error.description : 'The sign up could not be completed.';
  }
}

function signupField(error: SignupError): 'email' | 'username' | 'password' | undefined {
  if (error.code === 'invalid_password') return 'password';
  if (error.code === 'invalid_username') return 'username';
  return undefined;
}
