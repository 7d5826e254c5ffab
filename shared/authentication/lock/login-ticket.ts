import { timingSafeEqual } from 'node:crypto';
import { redeemCoTicket } from '#shared/db/co-tickets-repo';
import { ConditionFailedError } from '#shared/db/errors';
import { findUserPartition } from '#shared/db/logins-repo';
import type { Reply } from '#shared/http/event';
import { config } from '#shared/platform/config';
import { answerFailure, loginConnection, type BrowserRequest } from '#shared/authentication/authorize/authorize';
import { answerTarget, completeAuthorization } from '#shared/authentication/authorize/complete';
import { digest, newSecret } from '#shared/authentication/authorize/cookies';
import { AuthorizeError, PageError, readAuthorizeRequest, type CheckedRequest } from '#shared/authentication/authorize/request';
import { deliver, deliverError, newNonce } from '#shared/authentication/authorize/respond';
import { replaceSession } from '#shared/authentication/authorize/sso';
import { cspSource } from '#shared/authentication/universal-login/pages/index';
import { clearCoCookie, coCookieName, coIdOf } from '#shared/authentication/lock/cross-origin';
import { renderVerifyPage, verifyPageHeaders } from '#shared/authentication/lock/verify-page';

/**
 * A login ticket's redemption: GET /authorize?login_ticket=… with the browser's `co_<co_id>`
 * cookie, or, when the browser dropped that cookie (third-party cookies blocked), the verification
 * page and POST /co/verify with the verifier the application's page kept. Either way one
 * conditional DeleteItem redeems it (single use, unexpired, this client, this verifier), then the
 * login completes as every /authorize does: rules and actions, a code or tokens, a new SSO session.
 */
const INVALID_TICKET = 'The login ticket is invalid, expired or was already used.';
/** Auth0's words (its `fcoa` log) when it has no verification page to fall back on. */
const NO_VERIFICATION_PAGE = 'Unable to configure verification page.';
/** Ours: in a frame the verification page's SameSite=Strict cookie is never sent back, so it cannot work. */
const NO_VERIFICATION_IN_FRAME =
  'Third-party cookies are blocked in this browser, and the cross-origin verification page cannot run in a frame (response_mode=web_message).';
/** The /authorize parameters the verification page posts back (nothing else is carried). */
const REPLAYED = [
  'client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'audience', 'code_challenge',
  'code_challenge_method', 'prompt', 'max_age', 'connection', 'login_hint', 'screen_hint', 'login_ticket', 'realm',
];
/** The verification page's CSRF cookie lives as long as the page may take. */
const VERIFY_COOKIE_MAX_AGE = 600;
const verifyCookieName = (coId: string) => `co_verify_${coId}`;
const verifyCookie = (coId: string, value: string, maxAge: number) =>
  `${verifyCookieName(coId)}=${value}; Max-Age=${maxAge}; Path=/co/verify; HttpOnly; Secure; SameSite=Strict`;

/** GET /authorize with `login_ticket` (the handler sends only those here). */
export async function authorizeWithTicket(req: BrowserRequest): Promise<Reply> {
  try {
    const checked = await readAuthorizeRequest(req.query);
    const coId = coIdOf(ticketOf(checked));
    const verifier = req.cookies[coCookieName(coId)];
    if (verifier) return await redeem(checked, verifier, req, []);
    return verificationPage(checked, coId);
  } catch (error) {
    return answerFailure(error);
  }
}

/**
 * POST /co/verify from the verification page: its CSRF token must match the SameSite=Strict
 * cookie it set (a login CSRF with an attacker's own ticket and verifier cannot carry it).
 */
export async function verifyAndRedeem(req: BrowserRequest & { form: Record<string, string>; origin?: string }): Promise<Reply> {
  try {
    if (req.origin !== undefined && req.origin !== 'null' && req.origin !== new URL(config.ISSUER).origin) {
      throw new PageError(403, 'Invalid request', 'invalid_origin', 'This form can only be submitted from its own page.');
    }
    const { co_verifier: verifier, _csrf: csrf } = req.form;
    const query: Record<string, string> = {};
    for (const name of REPLAYED) if (req.form[name] !== undefined) query[name] = req.form[name]!;
    if (query.login_ticket === undefined) throw new PageError(400, 'Invalid request', 'invalid_request', 'Missing required parameter: login_ticket');
    const checked = await readAuthorizeRequest(query);
    const coId = coIdOf(ticketOf(checked));
    const target = answerTarget(checked.params);
    if (!sameSecret(csrf, req.cookies[verifyCookieName(coId)])) {
      throw new AuthorizeError(target, 'access_denied', 'The verification page expired or was opened in another browser.');
    }
    const cleared = [verifyCookie(coId, '', 0)];
    if (!verifier) return deliverError(target, 'access_denied', 'The application’s cross-origin verification page did not answer (cross_origin_loc).', cleared);
    return await redeem(checked, verifier, req, cleared);
  } catch (error) {
    return answerFailure(error);
  }
}

function ticketOf(checked: CheckedRequest): string {
  const target = answerTarget(checked.params);
  if (!checked.loginTicket) throw new AuthorizeError(target, 'invalid_request', 'Missing required parameter: login_ticket');
  if (checked.client.cross_origin_authentication !== true) throw new AuthorizeError(target, 'unauthorized_client', 'Cross origin login not allowed.');
  return checked.loginTicket.ticket;
}

async function redeem(checked: CheckedRequest, verifier: string, req: BrowserRequest, cookies: string[]): Promise<Reply> {
  const { params, client } = checked;
  const { ticket, realm } = checked.loginTicket!;
  const target = answerTarget(params);
  const cleared = [...cookies, clearCoCookie(coIdOf(ticket))];
  try {
    const record = await redeemCoTicket(digest(ticket), client.client_id, digest(verifier), Math.floor(Date.now() / 1000)).catch((error: unknown) => {
      throw error instanceof ConditionFailedError ? new AuthorizeError(target, 'access_denied', INVALID_TICKET) : error;
    });
    if (realm !== undefined && realm !== record.connection) throw new AuthorizeError(target, 'invalid_request', 'realm does not match the login ticket');
    const connection = await loginConnection({ ...params, connection: record.connection }, client);
    // The user was read a moment ago by /co/authenticate: half a read unit, strongly only on a miss.
    const partition = (await findUserPartition(record.user_id, false)) ?? (await findUserPartition(record.user_id, true));
    if (!partition) throw new AuthorizeError(target, 'access_denied', INVALID_TICKET);
    const request = { ip: req.ip, ...(req.userAgent ? { userAgent: req.userAgent } : {}), body: {} };
    const answer = await completeAuthorization({ params, client, connection, partition, authTime: record.auth_time, request });
    // As the hosted form: the session this browser held before ends, the new one replaces it.
    const session = await replaceSession(req.cookies, partition, connection, record.auth_time);
    return deliver(target, answer, [session, ...cleared]);
  } catch (error) {
    if (error instanceof AuthorizeError) return deliverError(error.target, error.error, error.description, cleared);
    throw error;
  }
}

/** No cookie came: the application's cross_origin_loc page is asked for the verifier, or the application hears why not. */
function verificationPage(checked: CheckedRequest, coId: string): Reply {
  const { params, client } = checked;
  if (!client.cross_origin_loc) throw new AuthorizeError(answerTarget(params), 'access_denied', NO_VERIFICATION_PAGE);
  // A frame (Lock's `redirect: false`) on the application's site is cross-site to us: the page's
  // SameSite=Strict CSRF cookie is dropped or not sent with its post, so /co/verify would refuse it
  // after the 10 s wait. The application hears why at once instead.
  if (params.response_mode === 'web_message') throw new AuthorizeError(answerTarget(params), 'access_denied', NO_VERIFICATION_IN_FRAME);
  const frame = new URL(client.cross_origin_loc);
  frame.hash = `origin=${encodeURIComponent(new URL(config.ISSUER).origin)}`;
  const csrf = newSecret();
  const fields: Record<string, string> = {};
  for (const name of REPLAYED) {
    const value = name === 'login_ticket' ? checked.loginTicket!.ticket : checkedValue(checked, name);
    if (value !== undefined) fields[name] = value;
  }
  fields._csrf = csrf;
  const nonce = newNonce();
  const redirectSource = cspSource(params.redirect_uri);
  return {
    headers: verifyPageHeaders({
      nonce,
      frameOrigin: frame.origin,
      // The form posts to /co/verify ('self'); for query and fragment its answer redirects to the
      // redirect URI, which form-action also governs. A form_post answer is /co/verify's own page.
      formAction: params.response_mode !== 'form_post' && redirectSource ? [redirectSource] : [],
    }),
    text: renderVerifyPage({ nonce, frameUrl: frame.href, frameOrigin: frame.origin, coId, fields }),
    cookies: [verifyCookie(coId, csrf, VERIFY_COOKIE_MAX_AGE)],
  };
}

/** The request's values as /authorize checked them (so the post repeats exactly what was accepted). */
function checkedValue(checked: CheckedRequest, name: string): string | undefined {
  const { params } = checked;
  if (name === 'redirect_uri') return params.redirect_uri_defaulted ? undefined : params.redirect_uri;
  if (name === 'realm') return checked.loginTicket?.realm;
  if (name === 'code_challenge_method') return params.code_challenge ? 'S256' : undefined;
  if (name === 'max_age') return params.max_age !== undefined ? String(params.max_age) : undefined;
  const value = (params as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function sameSecret(presented: string | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
