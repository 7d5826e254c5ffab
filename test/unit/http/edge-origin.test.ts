import { describe, expect, it } from 'vitest';
import { EdgeBypassError, throughEdge } from '#shared/http/edge-origin';
import type { HttpEvent } from '#shared/http/event';

const SECRET = 's'.repeat(48);
const CLOUDFRONT_IP = '130.176.1.1';

function event(headers: Record<string, string>): HttpEvent {
  return {
    rawPath: '/oauth/token', rawQueryString: '', headers, isBase64Encoded: false,
    requestContext: { requestId: 'r', http: { method: 'POST', path: '/oauth/token', sourceIp: CLOUDFRONT_IP } },
  };
}

describe('throughEdge', () => {
  it("takes the caller's address from CloudFront-Viewer-Address and drops the secret header", () => {
    const seen = throughEdge(event({ 'x-origin-verify': SECRET, 'cloudfront-viewer-address': '203.0.113.7:46532', accept: '*/*' }), SECRET);
    expect(seen.requestContext.http.sourceIp).toBe('203.0.113.7');
    expect(seen.headers).toEqual({ 'cloudfront-viewer-address': '203.0.113.7:46532', accept: '*/*' });
  });

  it('reads an IPv6 viewer address (the port follows the last colon)', () => {
    const seen = throughEdge(event({ 'x-origin-verify': SECRET, 'cloudfront-viewer-address': '2001:db8::17:443' }), SECRET);
    expect(seen.requestContext.http.sourceIp).toBe('2001:db8::17');
  });

  it("keeps API Gateway's address when the viewer header is missing or malformed", () => {
    expect(throughEdge(event({ 'x-origin-verify': SECRET }), SECRET).requestContext.http.sourceIp).toBe(CLOUDFRONT_IP);
    const odd = event({ 'x-origin-verify': SECRET, 'cloudfront-viewer-address': 'evil, 1.2.3.4' });
    expect(throughEdge(odd, SECRET).requestContext.http.sourceIp).toBe(CLOUDFRONT_IP);
  });

  it('refuses a request without the secret, or with a wrong one (it went around the WAF)', () => {
    const forged = { 'cloudfront-viewer-address': '198.51.100.1:1234' };
    expect(() => throughEdge(event(forged), SECRET)).toThrow(EdgeBypassError);
    expect(() => throughEdge(event({ ...forged, 'x-origin-verify': `${SECRET}x` }), SECRET)).toThrow(EdgeBypassError);
    expect(() => throughEdge(event({ ...forged, 'x-origin-verify': '' }), SECRET)).toThrow(EdgeBypassError);
    const error = new EdgeBypassError();
    expect({ status: error.statusCode, code: error.errorCode, message: error.message }).toEqual({
      status: 403, code: 'edge_required', message: "Requests must come through the service's public endpoint.",
    });
  });
});
