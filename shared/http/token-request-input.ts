import { header, rawBody, type HttpEvent } from '#shared/http/event';
import type { TokenRequestInput } from '#shared/authentication/oauth/token-request';

/** What /oauth/token and /oauth/revoke read from their event: the body as text, three headers, the address. */
export function tokenRequestInput(event: HttpEvent, ip: string): TokenRequestInput {
  return {
    body: rawBody(event).toString('utf8'),
    contentType: header(event, 'content-type'),
    authorization: header(event, 'authorization'),
    userAgent: header(event, 'user-agent'),
    ip,
  };
}
