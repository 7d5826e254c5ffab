import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { CONNECTION } from '#test/support/users';

/** What the handler wrapper refuses before any endpoint runs: oversized and malformed bodies. */
const LIMIT = 1024 * 1024;
const SCOPES = ['create:users'];

/** A JSON user body padded with `fill` to exactly `bytes` UTF-8 bytes. */
function bodyOfBytes(bytes: number, fill = 'a'): string {
  const head = `{"connection":"${CONNECTION}","email":"limit@example.com","password":"Passw0rd!long","user_metadata":{"pad":"`;
  const tail = '"}}';
  const room = bytes - Buffer.byteLength(head + tail);
  const unit = Buffer.byteLength(fill);
  const body = head + fill.repeat(Math.floor(room / unit)) + 'a'.repeat(room % unit) + tail;
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

const tooLarge = {
  statusCode: 413,
  error: 'Payload Too Large',
  message: 'Payload content length greater than maximum allowed: 1048576',
  errorCode: 'payload_too_large',
};

describe('request body limits', () => {
  it('answers 413 for a body one byte over 1 MB', async () => {
    const res = await call('users-create', { rawBody: bodyOfBytes(LIMIT + 1), headers: { 'content-type': 'application/json' }, scopes: SCOPES });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(tooLarge);
    expect(Object.keys(res.body)).toEqual(['statusCode', 'error', 'message', 'errorCode']);
  });

  it('counts bytes, not characters: 1 MB of two-byte characters is over the limit', async () => {
    const body = bodyOfBytes(LIMIT + 2, 'é');
    expect(body.length).toBeLessThan(LIMIT);
    const res = await call('users-create', { rawBody: body, headers: { 'content-type': 'application/json' }, scopes: SCOPES });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(tooLarge);
  });

  it('refuses an oversized body before looking at the token', async () => {
    const res = await call('users-create', { rawBody: 'x'.repeat(LIMIT + 1), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(tooLarge);
  });

  it('reads a body of exactly 1 MB (then refuses it on its merits, not its size)', async () => {
    const res = await call('users-create', { rawBody: bodyOfBytes(LIMIT), headers: { 'content-type': 'application/json' }, scopes: SCOPES });
    expect(res.status).not.toBe(413);
    expect(res.status, res.text.slice(0, 500)).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/^user_metadata\.pad is \d+ bytes; the limit is 2048 bytes per top-level value/),
      errorCode: 'invalid_body',
    });
  });

  it('answers 400 invalid_body for a body that is not JSON', async () => {
    const res = await call('users-create', { rawBody: '{"connection":', headers: { 'content-type': 'application/json' }, scopes: SCOPES });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: "Payload validation error: 'Invalid request payload JSON format'.",
      errorCode: 'invalid_body',
    });
  });

  it('answers 400, not a stack overflow, for JSON nested 400,000 levels deep', async () => {
    const res = await call('users-create', { rawBody: '['.repeat(400_000) + ']'.repeat(400_000), headers: { 'content-type': 'application/json' }, scopes: SCOPES });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: "Payload validation error: 'Expected type object but found type array'.",
      errorCode: 'invalid_body',
    });
  });

  it('answers 400 for deeply nested metadata, naming the depth limit', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const res = await call('users-create', {
      rawBody: `{"connection":"Username-Password-Authentication","email":"deep@example.com","password":"Passw0rd!long","user_metadata":${deep}}`,
      headers: { 'content-type': 'application/json' },
      scopes: SCOPES,
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^user_metadata\.a(\.a){10} is nested deeper than 10 levels \(METADATA_MAX_DEPTH\)\.$/);
  });
});
