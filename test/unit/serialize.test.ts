import { describe, expect, it } from 'vitest';
import { InvalidBodyError, ManagementError, OAuthError, UnauthorizedError } from '#shared/platform/errors';
import { UserNotFoundError } from '#shared/management/errors';
import { serializeError, toHttpResult } from '#shared/http/serialize';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const REQUEST_ID = 'req-123';

describe('serializeError: Management API errors', () => {
  it("keeps a known error's status and words", () => {
    expect(serializeError('management', new UserNotFoundError(), REQUEST_ID)).toEqual({
      statusCode: 404,
      headers: JSON_TYPE,
      body: JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' }),
    });
  });

  it('serialises a validation error in the fixed key order', () => {
    const result = serializeError('management', new InvalidBodyError("'Missing required property: x'."), REQUEST_ID);
    expect(result.statusCode).toBe(400);
    expect(result.body).toBe(
      '{"statusCode":400,"error":"Bad Request","message":"Payload validation error: \'Missing required property: x\'.","errorCode":"invalid_body"}',
    );
  });

  it('adds the error headers and attributes of a 401', () => {
    const error = new UnauthorizedError('Invalid token', 'invalid_token', 'Bearer realm="x", error="invalid_token"', { error: 'invalid_token' });
    expect(serializeError('management', error, REQUEST_ID)).toEqual({
      statusCode: 401,
      headers: { ...JSON_TYPE, 'www-authenticate': 'Bearer realm="x", error="invalid_token"' },
      body: JSON.stringify({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Invalid token',
        errorCode: 'invalid_token',
        attributes: { error: 'invalid_token' },
      }),
    });
  });

  it('leaves attributes out of a 401 without them', () => {
    const result = serializeError('management', new UnauthorizedError('Missing authentication', 'missing_token', 'Bearer'), REQUEST_ID);
    expect(JSON.parse(result.body)).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing authentication',
      errorCode: 'missing_token',
    });
  });

  it('names an unknown status "Error"', () => {
    const result = serializeError('management', new ManagementError(499, 'odd', 'Odd'), REQUEST_ID);
    expect(JSON.parse(result.body)).toEqual({ statusCode: 499, error: 'Error', message: 'Odd', errorCode: 'odd' });
  });

  it('serialises a known Management error the same way for any style', () => {
    const error = new UserNotFoundError();
    expect(serializeError('oauth', error, REQUEST_ID)).toEqual(serializeError('management', error, REQUEST_ID));
  });
});

describe('serializeError: OAuth errors', () => {
  it('answers {error, error_description} with cache-control no-store', () => {
    const error = new OAuthError(401, 'access_denied', 'Unauthorized');
    expect(serializeError('oauth', error, REQUEST_ID)).toEqual({
      statusCode: 401,
      headers: { ...JSON_TYPE, 'cache-control': 'no-store' },
      body: '{"error":"access_denied","error_description":"Unauthorized"}',
    });
  });

  it("adds the error's own headers", () => {
    const error = new OAuthError(401, 'invalid_client', 'Client authentication failed', { 'www-authenticate': 'Basic' });
    expect(serializeError('oauth', error, REQUEST_ID).headers).toEqual({
      ...JSON_TYPE,
      'cache-control': 'no-store',
      'www-authenticate': 'Basic',
    });
  });
});

describe('serializeError: faults', () => {
  const fault = new Error('ConditionalCheckFailed on table prod-users: secret=abc');

  it('answers a fixed Management 500 with the request id and nothing of the error', () => {
    const result = serializeError('management', fault, REQUEST_ID);
    expect(result).toEqual({
      statusCode: 500,
      headers: JSON_TYPE,
      body: JSON.stringify({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'An internal error occurred. Reference: req-123',
        errorCode: 'server_error',
      }),
    });
    expect(result.body).not.toContain('ConditionalCheckFailed');
    expect(result.body).not.toContain('secret');
  });

  it('answers a fixed OAuth 500 with the request id and nothing of the error', () => {
    const result = serializeError('oauth', fault, REQUEST_ID);
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: 'server_error',
      error_description: 'An internal error occurred. Reference: req-123',
    });
    expect(result.body).not.toContain('secret');
  });

  it('treats the public style like the Management style', () => {
    expect(serializeError('public', fault, REQUEST_ID)).toEqual(serializeError('management', fault, REQUEST_ID));
  });

  it('treats thrown non-errors as faults', () => {
    for (const thrown of ['boom', { statusCode: 400, message: 'forged' }, undefined, null]) {
      expect(JSON.parse(serializeError('management', thrown, 'r').body)).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'An internal error occurred. Reference: r',
        errorCode: 'server_error',
      });
    }
  });
});

describe('toHttpResult', () => {
  it('serialises a body as JSON with a content type', () => {
    expect(toHttpResult({ status: 201, body: { a: 1 } })).toEqual({ statusCode: 201, headers: JSON_TYPE, body: '{"a":1}' });
  });

  it('sends an empty body without a content type, defaulting to 200', () => {
    expect(toHttpResult({})).toEqual({ statusCode: 200, headers: {}, body: '' });
    expect(toHttpResult({ status: 204, headers: { etag: '"1"' } })).toEqual({ statusCode: 204, headers: { etag: '"1"' }, body: '' });
  });
});
