import { describe, expect, it } from 'vitest';
import { compileQuery } from '#shared/management/search/compile';
import { matches, valuesAt } from '#shared/management/search/evaluate';

/** A user as toWireUser serves it, with metadata of every shape search cares about. */
const user: Record<string, unknown> = {
  app_metadata: { blocked: true, roles: ['admin', 'billing'], subscription: { plan: 'gold' } },
  blocked: false,
  created_at: '2024-01-15T10:20:30.000Z',
  email: 'Jane.Smith@Example.com',
  email_verified: true,
  family_name: 'Smith',
  given_name: 'Jane',
  identities: [
    { connection: 'Username-Password-Authentication', provider: 'auth0', user_id: 'abc123', isSocial: false },
    { connection: 'google-oauth2', provider: 'google-oauth2', user_id: '999', isSocial: true },
  ],
  last_login: '2017-12-15T08:00:00.000Z',
  logins_count: 150,
  name: 'Jane Smith',
  nickname: 'jane',
  picture: 'https://example.com/jane.png',
  updated_at: '2024-03-01T00:00:00.000Z',
  user_id: 'auth0|abc123',
  user_metadata: {
    plan: 'gold',
    display: { fontSize: 13, theme: 'Dark' },
    addresses: [{ city: 'Paris' }, { city: 'Lyon', tags: [['old', 'town']] }],
    hobbies: ['surfing', 'chess'],
    score: '13',
    ratio: 0.5,
    vip: true,
    empty_list: [],
    empty_object: {},
    nothing: null,
    only_nulls: { a: null, b: [] },
  },
  username: 'janes',
};

const search = (q: string, who: Record<string, unknown> = user) => matches(compileQuery(q), who);

function expectAll(cases: [string, boolean][]) {
  expect(cases.map(([q]) => [q, search(q)])).toEqual(cases);
}

describe('matches: case rules', () => {
  it('ignores case on email, name, given_name, family_name and nickname', () => {
    expectAll([
      ['email:"jane.smith@example.com"', true], ['email:"JANE.SMITH@EXAMPLE.COM"', true],
      ['name:"JANE SMITH"', true], ['given_name:jane', true], ['family_name:SMITH', true], ['nickname:JANE', true],
    ]);
  });
  it('respects case everywhere else, metadata and user_id included', () => {
    expectAll([
      ['user_id:"auth0|abc123"', true], ['user_id:"AUTH0|abc123"', false], ['username:JANES', false],
      ['user_metadata.plan:Gold', false], ['user_metadata.display.theme:dark', false], ['user_metadata.display.theme:Dark', true],
      ['identities.connection:GOOGLE-OAUTH2', false],
    ]);
  });
});

describe('matches: whole values and wildcards', () => {
  it('matches whole values, not words (v3 does not tokenize)', () => {
    expectAll([['user_id:auth0', false], ['name:jane', false], ['name:"jane smith"', true], ['name:jane\\ smith', true]]);
  });
  it('matches prefix, suffix, infix and contains patterns, folding case where the field does', () => {
    expectAll([
      ['user_id:auth0*', true], ['user_id:AUTH0*', false], ['name:j*', true], ['name:JANE*', true], ['name:*smith', true],
      ['name:*SMIT*', true], ['name:jane*smith', true], ['name:jane*jones', false], ['name:*mit', false],
      ['email:*@example.com', true], ['nickname:jane*', true], ['name:jane\\ s*', true], ['name:*ane*ith', true],
      ['name:*ith*ane', false],
    ]);
  });
  it('reads field:* as exists', () => {
    expectAll([['name:*', true], ['phone_number:*', false], ['user_metadata.plan:*', true]]);
  });
});

describe('matches: derived and multi-valued root fields', () => {
  it('email.domain is the part after "@", without case', () => {
    expectAll([['email.domain:"example.com"', true], ['email.domain:EXAMPLE.COM', true], ['email.domain:"other.com"', false]]);
    expect(search('email.domain:x.com', { email: 'a@b@x.com' })).toBe(true);
    expect(search('_exists_:email.domain', { email: 'no-at-sign' })).toBe(false);
  });
  it('identities.* match any identity', () => {
    expectAll([
      ['identities.connection:"Username-Password-Authentication"', true], ['identities.connection:"google-oauth2"', true],
      ['identities.connection:github', false], ['identities.provider:auth0', true], ['identities.isSocial:true', true],
      ['identities.user_id:999', true],
    ]);
  });
});

describe('matches: metadata', () => {
  it('follows nested paths and looks through arrays at any level', () => {
    expectAll([
      ['user_metadata.display.fontSize:13', true], ['app_metadata.subscription.plan:"gold"', true],
      ['user_metadata.addresses.city:"Paris"', true], ['user_metadata.addresses.city:Lyon', true],
      ['user_metadata.addresses.city:Berlin', false], ['user_metadata.addresses.tags:town', true],
      ['user_metadata.hobbies:chess', true], ['app_metadata.roles:admin', true], ['app_metadata.roles:Admin', false],
    ]);
  });
  it('types a term by the value it meets: numbers by value, booleans by true/false, strings by text', () => {
    expectAll([
      ['user_metadata.display.fontSize:13.0', true], ['user_metadata.display.fontSize:"13"', true],
      ['user_metadata.display.fontSize:1.3e1', true], ['user_metadata.display.fontSize:14', false],
      ['user_metadata.display.fontSize:thirteen', false], ['user_metadata.ratio:.5', true],
      ['user_metadata.score:13', true], ['user_metadata.score:13.0', false],
      ['user_metadata.vip:true', true], ['user_metadata.vip:"true"', true], ['user_metadata.vip:TRUE', false],
      ['user_metadata.vip:1', false], ['app_metadata.blocked:true', true],
    ]);
  });
  it('does not see null, empty arrays or empty objects (they are not indexed)', () => {
    expectAll([
      ['_exists_:user_metadata.plan', true], ['_exists_:user_metadata.addresses', true], ['_exists_:user_metadata', true],
      ['_exists_:user_metadata.addresses.city', true], ['_exists_:user_metadata.empty_list', false],
      ['_exists_:user_metadata.empty_object', false], ['_exists_:user_metadata.nothing', false],
      ['_exists_:user_metadata.only_nulls', false], ['_exists_:user_metadata.missing', false],
      ['_exists_:app_metadata.subscription.plan', true], ['user_metadata.nothing:null', false],
      ['user_metadata.display:13', false],
    ]);
  });
  it('reads own properties only', () => {
    expectAll([['user_metadata.constructor:x', false], ['_exists_:user_metadata.constructor', false], ['_exists_:user_metadata.__proto__', false]]);
    expect(valuesAt(user, 'user_metadata.hobbies.length')).toEqual([]);
    expect(valuesAt(user, 'name.length')).toEqual([]);
  });
});

describe('matches: typed root fields and ranges', () => {
  it('compares numbers numerically', () => {
    expectAll([
      ['logins_count:150', true], ['logins_count:[100 TO 200]', true], ['logins_count:{150 TO *]', false],
      ['logins_count:[150 TO *]', true], ['logins_count:[* TO 150}', false], ['logins_count:[* TO 150]', true],
      ['logins_count:[1e2 TO 2e2]', true], ['logins_count:[20 TO 100]', false], ['logins_count:>=150', true],
      ['logins_count:>150', false], ['logins_count:<151', true], ['logins_count:[* TO *]', true],
    ]);
  });
  it('compares dates as ISO-8601, a partial date standing for its whole period', () => {
    expectAll([
      ['created_at:[2024-01-01 TO *]', true], ['created_at:[2024-01-16 TO *]', false], ['created_at:2024-01-15', true],
      ['created_at:2024-01', true], ['created_at:2024', true], ['created_at:2024-01-16', false],
      ['created_at:{2024-01-15 TO *]', false], ['created_at:{2024-01-14 TO *]', true], ['created_at:[* TO 2024-01-15}', false],
      ['created_at:[* TO 2024-01-15]', true], ['last_login:{2017-11 TO 2017-12]', true], ['last_login:{2017-12 TO *]', false],
      ['last_login:[* TO 2017-12-31]', true], ['last_login:[* TO 2017-12-14]', false],
      ['last_login:["2017-12-15T08:00:00Z" TO "2017-12-15T08:00:00Z"]', true],
      ['last_login:[2017-12-15T09:00:00+01:00 TO *]', true], ['last_login:{2017-12-15T08:00:00.000Z TO *]', false],
      ['last_login:[2017-12-15T08:00 TO 2017-12-15T08:00]', true], ['updated_at:[2024-01-01 TO 2024-12-31]', true],
    ]);
  });
  it('compares other strings by code unit, folding case where the field does', () => {
    expectAll([
      ['name:[jane TO jones]', true], ['name:[JANE TO JONES]', true], ['name:{"jane smith" TO *]', false], ['name:["jane smith" TO *]', true],
      ['user_id:[auth0 TO auth1]', true], ['username:[a TO j]', false], ['username:[a TO k]', true],
    ]);
  });
  it('matches booleans', () => {
    expectAll([['blocked:false', true], ['blocked:true', false], ['email_verified:true', true]]);
  });
});

describe('matches: terms without a field', () => {
  it('search root text fields and skip metadata', () => {
    expectAll([
      ['jane', true], ['JANE', true], ['smith', true], ['janes', true], ['"auth0|abc123"', true], ['jane*', true],
      ['gold', false], ['Paris', false], ['150', false], ['*', true],
    ]);
  });
});

describe('matches: boolean structure', () => {
  it('combines clauses with AND, OR, NOT, groups and modifiers', () => {
    expectAll([
      ['user_metadata.plan:"gold" AND NOT app_metadata.blocked:true', false],
      ['user_metadata.plan:"gold" AND NOT blocked:true', true],
      ['user_metadata.plan:silver OR nickname:jane', true],
      ['user_metadata.plan:silver OR nickname:jane AND blocked:true', false],
      ['email:("x@y.com" OR "jane.smith@example.com")', true],
      ['+user_metadata.plan:gold -blocked:true', true],
      ['+user_metadata.plan:gold -blocked:false', false],
      ['NOT _exists_:phone_number', true],
      ['nickname:jane NOT blocked:false', false],
      ['nickname:jane NOT blocked:true', true],
      ['email_verified:false OR NOT _exists_:email_verified', false],
      ['(NOT _exists_:logins_count OR logins_count:0)', false],
    ]);
    expect(search('email_verified:false OR NOT _exists_:email_verified', { email: 'a@b.c' })).toBe(true);
    expect(search('(NOT _exists_:logins_count OR logins_count:0)', { email: 'a@b.c' })).toBe(true);
  });
});
