import * as z from 'zod';
import { putCoTicket } from '#shared/db/co-tickets-repo';
import { loadClient } from '#shared/tenant/clients';
import { DEFAULT_CONNECTION } from '#shared/tenant/connections';
import { InvalidBodyError } from '#shared/platform/errors';
import { log } from '#shared/platform/log';
import { parseBody } from '#shared/platform/validation';
import {
  CrossOriginNotAllowedError,
  CrossOriginWrongCredentialsError,
  InvalidRequestError,
  MissingParameterError,
  OriginRequiredError,
  UnknownCoClientError,
  WrongCredentialsError,
} from '#shared/authentication/errors';
import { digest, newSecret } from '#shared/authentication/authorize/cookies';
import { authenticatePassword } from '#shared/authentication/login/authenticate';
import { jsonObjectBody } from '#shared/authentication/oauth/token-request';
import { clearAttempt } from '#shared/authentication/login/brute-force';

/**
 * POST /co/authenticate: Lock's (auth0.js's) embedded login. The password is checked exactly as
 * the password grant checks it (authenticatePassword: brute-force protection, blocks), but nothing
 * is issued here: the answer is a single-use login ticket that the browser takes to /authorize
 * (rules and actions run there, the SSO session starts there). The ticket is bound to the browser
 * twice: by a cookie set on this answer (`co_<co_id>`, the verifier) and by the verifier the page
 * keeps (auth0.js stores `co_verifier` for the /co/verify fallback). docs/lock.md.
 */
export const CO_TICKET_TTL_SECONDS = 120;
const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

export const CoAuthenticateBody = z
  .object({
    client_id: z.string().min(1).max(128),
    username: z.string().min(1).max(1024),
    password: z.string().min(1).max(1024),
    realm: z.string().min(1).max(128).optional(),
    credential_type: z.string().max(200).optional(),
    otp: z.string().max(64).optional(),
  })
  .strict();
export type CoAuthenticateBody = z.output<typeof CoAuthenticateBody>;

/** The cookie that binds the ticket to this browser; its name comes from the ticket (see coIdOf). */
export const coCookieName = (coId: string) => `co_${coId}`;

/**
 * `co_id` names the ticket's cookie. It is derived from the ticket (a domain-separated hash), so
 * /authorize finds the cookie from the ticket alone, without reading the ticket first: the one
 * conditional write that redeems it can then check the verifier too.
 */
export const coIdOf = (ticket: string) => digest(`co_id:${ticket}`).slice(0, 22);

export function coCookie(coId: string, verifier: string, maxAge = CO_TICKET_TTL_SECONDS): string {
  return `${coCookieName(coId)}=${verifier}; Max-Age=${maxAge}; Path=/; HttpOnly; Secure; SameSite=None`;
}

export const clearCoCookie = (coId: string) => coCookie(coId, '', 0);

/** The JSON body as auth0.js sends it; anything else is a 400 in the OAuth shape. */
export function readCoAuthenticateBody(contentType: string | undefined, text: string): CoAuthenticateBody {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new InvalidRequestError('Content-Type must be application/json');
  const body = jsonObjectBody(text);
  try {
    return parseBody(CoAuthenticateBody, body);
  } catch (error) {
    // The validation's words (unknown fields named), in the Authentication API's shape.
    if (error instanceof InvalidBodyError) throw new InvalidRequestError(error.message);
    throw error;
  }
}

export interface CoAnswer {
  body: { login_ticket: string; co_verifier: string; co_id: string };
  cookie: string;
}

export async function crossOriginAuthenticate(body: CoAuthenticateBody, origin: string | undefined, ip: string): Promise<CoAnswer> {
  // The origin was checked against the client by the handler's CORS (withCors' admit); a request
  // without one is not a browser's, and must use /oauth/token.
  if (origin === undefined) throw new OriginRequiredError();
  const found = await loadClient(body.client_id);
  if (!found) throw new UnknownCoClientError();
  if (found.client.cross_origin_authentication !== true) throw new CrossOriginNotAllowedError();
  const connectionName = realmOf(body);

  const { connection, partition, admission } = await authenticatePassword(connectionName, body.username, body.password, ip, body.client_id).catch(
    (error: unknown) => {
      throw error instanceof WrongCredentialsError ? new CrossOriginWrongCredentialsError() : error;
    },
  );
  const ticket = newSecret();
  const verifier = newSecret();
  const now = Math.floor(Date.now() / 1000);
  await Promise.all([
    putCoTicket(digest(ticket), {
      client_id: body.client_id,
      user_id: partition.user.user_id,
      connection: connection.name,
      auth_time: now,
      verifier_hash: digest(verifier),
      expires_at: now + CO_TICKET_TTL_SECONDS,
      ttl: now + CO_TICKET_TTL_SECONDS,
    }),
    clearAttempt(admission),
  ]);
  log.info('cross-origin authentication', { client_id: body.client_id, connection: connection.name, user_id: partition.user.user_id });
  const coId = coIdOf(ticket);
  return { body: { login_ticket: ticket, co_verifier: verifier, co_id: coId }, cookie: coCookie(coId, verifier) };
}

/** auth0.js: `password-realm` with `realm` (the connection), or `password` (the default connection). */
function realmOf(body: CoAuthenticateBody): string {
  const type = body.credential_type ?? (body.realm !== undefined ? PASSWORD_REALM_GRANT : 'password');
  if (body.otp !== undefined) throw new InvalidRequestError('otp is not supported (no passwordless or MFA connections)');
  if (type === PASSWORD_REALM_GRANT) {
    if (body.realm === undefined) throw new MissingParameterError('realm');
    return body.realm;
  }
  if (type === 'password') return DEFAULT_CONNECTION;
  throw new InvalidRequestError(`Unsupported credential_type: ${type.slice(0, 100)}`);
}
