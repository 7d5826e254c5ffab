import { createHash, timingSafeEqual } from 'node:crypto';
import { ManagementError } from '#shared/platform/errors';
import { header, type HttpEvent } from '#shared/http/event';

/**
 * Behind the CloudFront distribution (the stack's `edge` option), API Gateway sees CloudFront's
 * address, not the caller's, and its own endpoint stays reachable around the WAF. CloudFront adds
 * a secret header to every origin request; with EDGE_ORIGIN_SECRET set, a request without it is
 * refused, and the caller's address is taken from CloudFront-Viewer-Address (which CloudFront
 * sets itself), so brute-force protection and rules' `context.request.ip` see the real caller.
 */
export const EDGE_SECRET_HEADER = 'x-origin-verify';
const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

export class EdgeBypassError extends ManagementError {
  constructor() {
    super(403, 'edge_required', "Requests must come through the service's public endpoint.");
  }
}

/** The event as the service should see it, or EdgeBypassError for a request that went around the edge. */
export function throughEdge(event: HttpEvent, secret: string): HttpEvent {
  if (!sameSecret(header(event, EDGE_SECRET_HEADER), secret)) throw new EdgeBypassError();
  const headers = { ...event.headers };
  delete headers[EDGE_SECRET_HEADER]; // nothing downstream (logs, rules) should ever see it
  const viewer = viewerIp(header(event, VIEWER_ADDRESS_HEADER));
  const http = { ...event.requestContext.http, sourceIp: viewer ?? event.requestContext.http.sourceIp };
  return { ...event, headers, requestContext: { ...event.requestContext, http } };
}

/** `203.0.113.7:46532` or `2001:db8::1:46532` (CloudFront's form: the address, a colon, the port). */
function viewerIp(value: string | undefined): string | undefined {
  const match = /^([0-9a-fA-F:.]+):(\d{1,5})$/.exec(value ?? '');
  return match?.[1];
}

/** Compared as digests, so the time taken says nothing about how much of the secret matched. */
function sameSecret(sent: string | undefined, secret: string): boolean {
  if (sent === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(secret));
}
