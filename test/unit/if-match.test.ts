import { describe, expect, it } from 'vitest';
import { InvalidIfMatchError } from '#shared/management/errors';
import { versionsFromIfMatch, MAX_TAGS } from '#shared/management/users/if-match';
import { etagOf } from '#shared/management/users/model';

function refusal(value: string): InvalidIfMatchError {
  let caught: unknown;
  try {
    versionsFromIfMatch(value);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidIfMatchError);
  const error = caught as InvalidIfMatchError;
  expect(error.statusCode).toBe(400);
  expect(error.errorCode).toBe('invalid_header');
  expect(error.message).toBe('If-Match must be "*" or a list of entity tags.');
  return error;
}

describe('versionsFromIfMatch', () => {
  it('adds no condition without the header', () => {
    expect(versionsFromIfMatch(undefined)).toBeUndefined();
  });

  it('adds no version condition for *', () => {
    expect(versionsFromIfMatch('*')).toBeUndefined();
    expect(versionsFromIfMatch('  *  ')).toBeUndefined();
  });

  it('reads one strong tag', () => {
    expect(versionsFromIfMatch('"3"')).toEqual([3]);
    expect(versionsFromIfMatch(' "0" ')).toEqual([0]);
  });

  it('reads the tag the service hands out as ETag', () => {
    expect(versionsFromIfMatch(etagOf({ version: 17 }))).toEqual([17]);
  });

  it('reads a list of strong tags', () => {
    expect(versionsFromIfMatch('"3", "4"')).toEqual([3, 4]);
    expect(versionsFromIfMatch('"3","4" ,"12"')).toEqual([3, 4, 12]);
  });

  it('never matches a weak tag (strong comparison), leaving the impossible version -1', () => {
    expect(versionsFromIfMatch('W/"3"')).toEqual([-1]);
    expect(versionsFromIfMatch('W/"3", W/"4"')).toEqual([-1]);
  });

  it('keeps the strong tags of a list mixing weak and strong', () => {
    expect(versionsFromIfMatch('W/"3", "4"')).toEqual([4]);
  });

  it('never matches a well-formed tag that is not a version', () => {
    expect(versionsFromIfMatch('"abc"')).toEqual([-1]);
    expect(versionsFromIfMatch('""')).toEqual([-1]);
    expect(versionsFromIfMatch('"1234567890123456"')).toEqual([-1]);
  });

  it('refuses values that are not entity tags', () => {
    for (const value of ['', ' ', ',', '3', '"3', '3"', 'w/"3"', '"3" "4"', '*, "3"', 'W/3', '"a"b"']) refusal(value);
  });

  it('accepts up to MAX_TAGS strong tags, without duplicates', () => {
    const tags = Array.from({ length: MAX_TAGS }, (_, i) => `"${i % 10}"`).join(', ');
    expect(versionsFromIfMatch(tags)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('refuses more than MAX_TAGS tags rather than building a condition DynamoDB refuses', () => {
    // Each version is an IN operand: DynamoDB takes at most 100, and the whole condition 4 KB.
    const tags = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `"${i}"`).join(', ');
    let caught: unknown;
    try {
      versionsFromIfMatch(tags);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidIfMatchError);
    expect(caught).toMatchObject({ statusCode: 400, errorCode: 'invalid_header' });
  });
});
