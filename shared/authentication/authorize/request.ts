import type { ClientRecord } from '#shared/db/clients-repo';
import { loadClient } from '#shared/tenant/clients';
import { matchesRegisteredOrigin, matchesRegisteredUrl } from '#shared/tenant/url-match';

/**
 * GET /authorize's parameters, checked in Auth0's order. Until the client and the redirect URI
 * are known to be the application's, nothing may be sent to the redirect URI: those failures are
 * an error page on our origin (`PageError`). Every later failure goes back to the application
 * (`AuthorizeError`, answered per response_mode with `state`).
 */
export type ResponseType = 'code' | 'token' | 'id_token' | 'id_token token';
export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'web_message';

export interface AuthorizeParams {
  client_id: string;
  redirect_uri: string;
  /** The request named no redirect_uri (the first callback is used): the token request need not repeat it. */
  redirect_uri_defaulted?: true;
  response_type: ResponseType;
  response_mode: ResponseMode;
  scope?: string;
  state?: string;
  nonce?: string;
  audience?: string;
  code_challenge?: string;
  prompt?: string;
  screen_hint?: string;
  login_hint?: string;
  /** Seconds. */
  max_age?: number;
  connection?: string;
}

/** Where an answer goes, known once the client and redirect URI are checked. */
export interface AnswerTarget {
  redirect_uri: string;
  response_mode: ResponseMode;
  state?: string;
}

/** A failure shown on our own origin (never a redirect): an unknown client or redirect URI. */
export class PageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly title: string,
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'PageError';
  }
}

/** A failure sent back to the application, as Auth0 sends it: error, error_description, state. */
export class AuthorizeError extends Error {
  constructor(
    readonly target: AnswerTarget,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'AuthorizeError';
  }
}

/** Longer values are refused: ids and URLs stay far below, and an answer must fit in a URL. */
const MAX_PARAM_LENGTH = 2048;
const MAX_CLIENT_ID_LENGTH = 128;
const RESPONSE_TYPES: Record<string, ResponseType> = {
  code: 'code',
  token: 'token',
  id_token: 'id_token',
  'id_token token': 'id_token token',
  'token id_token': 'id_token token',
};
const RESPONSE_MODES = new Set<ResponseMode>(['query', 'fragment', 'form_post', 'web_message']);
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export interface CheckedRequest {
  params: AuthorizeParams;
  client: ClientRecord;
  /** Cross-origin authentication (Lock): the ticket POST /co/authenticate gave, and the `realm` sent with it. */
  loginTicket?: { ticket: string; realm?: string };
}

/** A login ticket is 256 random bits, base64url (shared/authentication/lock/cross-origin.ts). */
const LOGIN_TICKET = /^[A-Za-z0-9_-]{43}$/;

export async function readAuthorizeRequest(query: Record<string, string>): Promise<CheckedRequest> {
  const client = await knownClient(query.client_id);
  const redirect_uri = registeredRedirect(client, query.redirect_uri);
  const state = query.state;
  const typeKey = (query.response_type ?? '').trim().replace(/\s+/g, ' ');
  // Own keys only: `__proto__` or `constructor` must not find Object.prototype's members (a 500).
  const responseType = Object.hasOwn(RESPONSE_TYPES, typeKey) ? RESPONSE_TYPES[typeKey] : undefined;
  const implicit = responseType !== undefined && responseType !== 'code';
  const mode = query.response_mode;
  const response_mode: ResponseMode = mode && RESPONSE_MODES.has(mode as ResponseMode) ? (mode as ResponseMode) : implicit ? 'fragment' : 'query';
  // An oversized state is refused without being echoed (the answer must fit in a URL).
  const echoed = state !== undefined && state.length <= MAX_PARAM_LENGTH ? { state } : {};
  const target: AnswerTarget = { redirect_uri, response_mode, ...echoed };
  const fail = (error: string, description: string) => new AuthorizeError(target, error, description);

  if (state !== undefined && state.length > MAX_PARAM_LENGTH) throw fail('invalid_request', `state must be at most ${MAX_PARAM_LENGTH} characters`);
  if (mode !== undefined && !RESPONSE_MODES.has(mode as ResponseMode)) throw fail('invalid_request', `Unsupported response_mode: ${mode}`);
  if (response_mode === 'web_message' && !matchesRegisteredOrigin(new URL(redirect_uri).origin, client.web_origins)) {
    // Codes go only to origins the application trusts with them (Auth0's "Allowed Web Origins").
    throw new PageError(403, 'Origin not allowed', 'invalid_request', `The origin ${new URL(redirect_uri).origin} is not in the application's Allowed Web Origins.`);
  }
  if (query.response_type === undefined) throw fail('invalid_request', 'Missing required parameter: response_type');
  if (!responseType) throw fail('unsupported_response_type', `Unsupported response type: ${query.response_type}`);
  const grant = implicit ? 'implicit' : 'authorization_code';
  if (!client.grant_types.includes(grant)) throw fail('unauthorized_client', `Grant type '${grant}' not allowed for the client.`);
  if (response_mode === 'query' && implicit) throw fail('invalid_request', 'response_mode query is not allowed for tokens: use fragment, form_post or web_message');

  for (const name of ['scope', 'nonce', 'audience', 'login_hint', 'connection', 'screen_hint', 'prompt', 'code_challenge', 'realm'] as const) {
    const value = query[name];
    if (value !== undefined && value.length > MAX_PARAM_LENGTH) throw fail('invalid_request', `${name} must be at most ${MAX_PARAM_LENGTH} characters`);
  }
  if (responseType.startsWith('id_token') && !query.nonce) throw fail('invalid_request', 'Missing required parameter: nonce');
  const prompt = readPrompt(query.prompt, fail);
  const max_age = readMaxAge(query.max_age, fail);
  const code_challenge = readChallenge(client, responseType, query, fail);
  const ticket = query.login_ticket;
  if (ticket !== undefined && !LOGIN_TICKET.test(ticket)) throw fail('invalid_request', 'Invalid login_ticket');

  const params: AuthorizeParams = {
    client_id: client.client_id,
    redirect_uri,
    response_type: responseType,
    response_mode,
    ...(query.redirect_uri === undefined || query.redirect_uri === '' ? { redirect_uri_defaulted: true as const } : {}),
    ...optional({ scope: query.scope, state, nonce: query.nonce, audience: query.audience || undefined, code_challenge, prompt }),
    ...optional({ screen_hint: query.screen_hint, login_hint: query.login_hint, connection: query.connection || undefined }),
    ...(max_age !== undefined ? { max_age } : {}),
  };
  const loginTicket = ticket !== undefined ? { ticket, ...(query.realm ? { realm: query.realm } : {}) } : undefined;
  return { params, client, ...(loginTicket ? { loginTicket } : {}) };
}

async function knownClient(clientId: string | undefined): Promise<ClientRecord> {
  if (!clientId) throw new PageError(400, 'Invalid request', 'invalid_request', 'Missing required parameter: client_id');
  const found = clientId.length <= MAX_CLIENT_ID_LENGTH ? await loadClient(clientId) : undefined;
  if (!found) throw new PageError(400, 'Unknown application', 'invalid_request', 'Unknown client: the client_id does not name an application of this tenant.');
  return found.client;
}

/**
 * The redirect URI must be one of the application's callbacks (Auth0's matching: exact, or the
 * subdomain wildcard). Without one, the first callback that has no wildcard is used, as Auth0 does.
 */
function registeredRedirect(client: ClientRecord, presented: string | undefined): string {
  if (presented === undefined || presented === '') {
    const fallback = (client.callbacks ?? []).find((url) => !url.includes('*'));
    if (fallback) return fallback;
    throw new PageError(400, 'Callback URL mismatch', 'invalid_request', 'Missing required parameter: redirect_uri (and the application has no Allowed Callback URL to use instead).');
  }
  if (presented.length > MAX_PARAM_LENGTH || !matchesRegisteredUrl(presented, client.callbacks)) {
    throw new PageError(
      400,
      'Callback URL mismatch',
      'invalid_request',
      `Callback URL mismatch. ${presented.slice(0, 200)} is not in the list of allowed callback URLs.`,
    );
  }
  return presented;
}

function readPrompt(value: string | undefined, fail: (e: string, d: string) => AuthorizeError): string | undefined {
  if (value === undefined || value === '') return undefined;
  const prompts = value.split(' ').filter(Boolean);
  const unknown = prompts.find((p) => !PROMPTS.has(p));
  if (unknown !== undefined) throw fail('invalid_request', `Unsupported prompt: ${unknown}`);
  if (prompts.includes('none') && prompts.length > 1) throw fail('invalid_request', 'prompt=none must not be combined with other values');
  return prompts.join(' ');
}

function readMaxAge(value: string | undefined, fail: (e: string, d: string) => AuthorizeError): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,10}$/.test(value)) throw fail('invalid_request', 'max_age must be a non-negative integer (seconds)');
  return Number(value);
}

/**
 * PKCE, S256 only (Auth0 does not support `plain`). A public client (no secret to authenticate the
 * exchange) must use it, or its code would be redeemable by whoever intercepts it.
 */
function readChallenge(
  client: ClientRecord,
  responseType: ResponseType,
  query: Record<string, string>,
  fail: (e: string, d: string) => AuthorizeError,
): string | undefined {
  const { code_challenge: challenge, code_challenge_method: method } = query;
  if (challenge === undefined || challenge === '') {
    if (method) throw fail('invalid_request', 'code_challenge_method was sent without code_challenge');
    if (responseType === 'code' && client.token_endpoint_auth_method === 'none') {
      throw fail('invalid_request', 'Missing required parameter: code_challenge (public clients must use PKCE)');
    }
    return undefined;
  }
  if (responseType !== 'code') throw fail('invalid_request', 'code_challenge is only for response_type=code');
  if (method !== 'S256') throw fail('invalid_request', `Unsupported code_challenge_method: ${method ?? 'plain'} (only S256 is supported)`);
  if (!PKCE_CHALLENGE.test(challenge)) throw fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the verifier (43 characters)');
  return challenge;
}

function optional<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')) as Partial<Record<keyof T, string>>;
}
