import { describe, expect, it } from 'vitest';
import { InvalidQueryError } from '#shared/platform/errors';
import { compileQuery } from '#shared/management/search/compile';
import { UnsupportedQueryError } from '#shared/management/errors';
import { fieldsOf, validateFields } from '#shared/management/search/fields';
import { parseQuery } from '#shared/management/search/parse';
import { assertSupported } from '#shared/management/search/support';

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof UnsupportedQueryError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('validateFields', () => {
  it.each<[string, string]>([
    ['foo:bar', 'Cannot search unknown field "foo"; metadata paths start with user_metadata. or app_metadata.'],
    ['identities.profileData.x:1', 'Cannot search unknown field "identities.profileData.x"; metadata paths start with user_metadata. or app_metadata.'],
    ['constructor:x', 'Cannot search unknown field "constructor"; metadata paths start with user_metadata. or app_metadata.'],
    ['_exists_:foo', 'Cannot search unknown field "foo"; metadata paths start with user_metadata. or app_metadata.'],
    ['connection:"google-oauth2"', 'Cannot search "connection"; use identities.connection'],
    ['name.raw:"jane smith"', 'Cannot search "name.raw": the ".raw" suffix is not supported, fields match whole values'],
    ['logins_count:many', 'logins_count takes a number, not "many"'],
    ['logins_count:[1 TO lots]', 'logins_count takes a number, not "lots"'],
    ['blocked:yes', 'blocked takes true or false, not "yes"'],
    ['blocked:[false TO true]', 'Ranges are not supported on blocked (boolean)'],
    ['created_at:[soon TO *]', 'created_at takes a date like 2024-01-31 or 2024-01-31T10:00:00Z, not "soon"'],
    ['created_at:2024-13-01', 'created_at takes a date like 2024-01-31 or 2024-01-31T10:00:00Z, not "2024-13-01"'],
    ['created_at:2024*', 'Wildcards are not supported on created_at (date)'],
    ['logins_count:1*', 'Wildcards are not supported on logins_count (number)'],
  ])('%s', (q, reason) => {
    expect(reasonOf(() => validateFields(parseQuery(q)))).toBe(reason);
  });

  it('accepts every root field, metadata paths, unfielded terms and exists on any known field', () => {
    const q = [
      'email:a', 'email.domain:b', 'name:c', 'given_name:d', 'family_name:e', 'nickname:f', 'user_id:g*', 'username:h',
      'phone_number:i', 'picture:j', 'last_ip:k', 'multifactor:l', 'organization_id:m', 'identities.connection:n',
      'identities.provider:o', 'identities.user_id:p', 'identities.isSocial:true', 'created_at:2024', 'updated_at:[* TO 2024-01]',
      'last_login:{2024-01-01T10:00 TO *]', 'last_password_reset:2024-01-01', 'logins_count:>3', 'blocked:false',
      'email_verified:true', 'phone_verified:false', 'user_metadata.any.path:x', 'app_metadata:x', 'free text', '_exists_:logins_count',
    ].join(' OR ');
    expect(reasonOf(() => validateFields(parseQuery(q)))).toBe('accepted');
  });
});

describe('assertSupported', () => {
  it.each<[string, string]>([
    ['user_metadata.age:[1 TO 5]', 'Wildcards and ranges are not supported on metadata fields (user_metadata.age)'],
    ['app_metadata.plan:gol*', 'Wildcards and ranges are not supported on metadata fields (app_metadata.plan)'],
    ['user_metadata.age:>5', 'Wildcards and ranges are not supported on metadata fields (user_metadata.age)'],
    ['name:x OR (user_metadata.a.b:*xyz)', 'Wildcards and ranges are not supported on metadata fields (user_metadata.a.b)'],
  ])('refuses %s', (q, reason) => {
    expect(reasonOf(() => assertSupported(parseQuery(q)))).toBe(reason);
  });

  it('accepts exact and exists on metadata, and wildcards and ranges on root fields', () => {
    const q = 'user_metadata.plan:gold _exists_:user_metadata.age user_metadata.age:* name:jo* logins_count:[1 TO 2]';
    expect(reasonOf(() => assertSupported(parseQuery(q)))).toBe('accepted');
  });

  it('allows ranges and prefix wildcards on the paths an option allows (declared indexes)', () => {
    const allowPatternsOn = (path: string) => path === 'user_metadata.age' || path === 'app_metadata.plan';
    const check = (q: string) => reasonOf(() => assertSupported(parseQuery(q), { allowPatternsOn }));
    expect(check('user_metadata.age:[1 TO 5] AND app_metadata.plan:gol*')).toBe('accepted');
    expect(check('app_metadata.plan:*old')).toBe('Only prefix wildcards (abc*) are supported on metadata fields (app_metadata.plan)');
    expect(check('user_metadata.size:[1 TO 5]')).toBe('Wildcards and ranges are not supported on metadata fields (user_metadata.size)');
  });
});

describe('compileQuery', () => {
  it('parses, validates fields and checks support, throwing 400 invalid_query_string errors', () => {
    expect(compileQuery('user_metadata.plan:gold')).toEqual({
      kind: 'term', field: 'user_metadata.plan', value: { kind: 'exact', text: 'gold' },
    });
    for (const q of ['name:(', 'foo:bar', 'user_metadata.age:[1 TO 2]']) {
      expect(() => compileQuery(q)).toThrow(InvalidQueryError);
    }
    const error = (() => { try { compileQuery('foo:bar'); } catch (e) { return e as InvalidQueryError; } })();
    expect({ status: error?.statusCode, code: error?.errorCode, message: error?.message }).toEqual({
      status: 400,
      code: 'invalid_query_string',
      message: `Query validation error: 'Cannot search unknown field "foo"; metadata paths start with user_metadata. or app_metadata.' on property q.`,
    });
  });
});

describe('fieldsOf', () => {
  it('lists every path a query reads, sorted, once', () => {
    const q = 'name:x AND (user_metadata.a:1 OR _exists_:app_metadata.b) AND NOT name:y AND logins_count:[1 TO *]';
    expect(fieldsOf(parseQuery(q))).toEqual(['app_metadata.b', 'logins_count', 'name', 'user_metadata.a']);
  });
  it('expands an unfielded term to the fields it searches', () => {
    expect(fieldsOf(parseQuery('jane AND user_metadata.a:1'))).toEqual([
      'email', 'family_name', 'given_name', 'name', 'nickname', 'phone_number', 'user_id', 'user_metadata.a', 'username',
    ]);
  });
});
