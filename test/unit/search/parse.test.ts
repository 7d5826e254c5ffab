import { describe, expect, it } from 'vitest';
import type { Query, Value } from '#shared/management/search/ast';
import { parseQuery } from '#shared/management/search/parse';

const term = (field: string | null, value: Value): Query => ({ kind: 'term', field, value });
const exact = (field: string | null, text: string): Query => term(field, { kind: 'exact', text });
const wildcard = (field: string | null, ...parts: string[]): Query => term(field, { kind: 'wildcard', parts });
const exists = (field: string | null): Query => term(field, { kind: 'exists' });
const range = (field: string, lower: string | null, upper: string | null, includeLower: boolean, includeUpper: boolean): Query =>
  term(field, { kind: 'range', lower, upper, includeLower, includeUpper });
const and = (...clauses: Query[]): Query => ({ kind: 'and', clauses });
const or = (...clauses: Query[]): Query => ({ kind: 'or', clauses });
const not = (clause: Query): Query => ({ kind: 'not', clause });

describe('parseQuery: the examples in Auth0 v3 docs', () => {
  it.each<[string, Query]>([
    ['email:"john@example.com"', exact('email', 'john@example.com')],
    ['name:"jane smith"', exact('name', 'jane smith')],
    ['name:"jane"', exact('name', 'jane')],
    ['user_metadata.full_name:"John Smith"', exact('user_metadata.full_name', 'John Smith')],
    ['user_metadata.plan:"gold" AND NOT app_metadata.blocked:true',
      and(exact('user_metadata.plan', 'gold'), not(exact('app_metadata.blocked', 'true')))],
    ['logins_count:[100 TO 200]', range('logins_count', '100', '200', true, true)],
    ['logins_count:{100 TO 200}', range('logins_count', '100', '200', false, false)],
    ['logins_count:[100 TO 200}', range('logins_count', '100', '200', true, false)],
    ['logins_count:{100 TO *]', range('logins_count', '100', null, false, true)],
    ['created_at:[2024-01-01 TO *]', range('created_at', '2024-01-01', null, true, true)],
    ['last_login:[* TO 2017-12-31]', range('last_login', null, '2017-12-31', true, true)],
    ['last_login:{2017-11 TO 2017-12]', range('last_login', '2017-11', '2017-12', false, true)],
    ['_exists_:user_metadata.hobby', exists('user_metadata.hobby')],
    ['email.domain:"example.com"', exact('email.domain', 'example.com')],
    ['identities.connection:"Username-Password-Authentication"', exact('identities.connection', 'Username-Password-Authentication')],
    ['app_metadata.subscription.plan:"gold"', exact('app_metadata.subscription.plan', 'gold')],
    ['user_metadata.addresses.city:"Paris"', exact('user_metadata.addresses.city', 'Paris')],
    ['user_metadata.display.fontSize:13', exact('user_metadata.display.fontSize', '13')],
    ['user_id:auth0*', wildcard('user_id', 'auth0', '')],
    ['name:john*', wildcard('name', 'john', '')],
    ['name:j*', wildcard('name', 'j', '')],
    ['name:*john*', wildcard('name', '', 'john', '')],
    ['name:*usa', wildcard('name', '', 'usa')],
    ['name:jane*smith', wildcard('name', 'jane', 'smith')],
    ['email:("john@exampleco.com" OR "jane@exampleco.com")', or(exact('email', 'john@exampleco.com'), exact('email', 'jane@exampleco.com'))],
    ['email_verified:false OR NOT _exists_:email_verified', or(exact('email_verified', 'false'), not(exists('email_verified')))],
    ['(NOT _exists_:logins_count OR logins_count:0)', or(not(exists('logins_count')), exact('logins_count', '0'))],
  ])('%s', (q, expected) => {
    expect(parseQuery(q)).toEqual(expected);
  });
});

describe('parseQuery: operators and precedence', () => {
  const [a, b, c] = [exact(null, 'a'), exact(null, 'b'), exact(null, 'c')];
  it.each<[string, Query]>([
    ['a OR b AND c', or(a, and(b, c))],
    ['a AND b OR c', or(and(a, b), c)],
    ['(a OR b) AND c', and(or(a, b), c)],
    ['a OR b OR c', or(a, b, c)],
    ['a AND b AND c', and(a, b, c)],
    ['a b', or(a, b)],
    ['a b AND c', or(a, and(b, c))],
    ['NOT a AND b', and(not(a), b)],
    ['NOT (a OR b)', not(or(a, b))],
    ['NOT NOT a', not(not(a))],
    ['a && b || !c', or(and(a, b), not(c))],
    ['a and b', or(a, exact(null, 'and'), b)],
    ['-a', not(a)],
    ['+a', a],
    ['a -b', and(a, not(b))],
    ['+a b', a],
    ['+a -b c', and(a, not(b))],
    ['a b -c', and(or(a, b), not(c))],
    ['a AND -b', and(a, not(b))],
    ['a NOT b', and(a, not(b))],
    ['NOT a b', and(not(a), b)],
    ['a OR NOT b c', and(or(a, c), not(b))],
    ['a OR NOT b', or(a, not(b))],
    ['NOT a OR b', or(not(a), b)],
    ['a (NOT b)', or(a, not(b))],
    ['a !b', and(a, not(b))],
    ['((a))', a],
    ['name:(a OR b) AND c', and(or(exact('name', 'a'), exact('name', 'b')), c)],
    ['name:(a b:c)', or(exact('name', 'a'), exact('b', 'c'))],
  ])('%s', (q, expected) => {
    expect(parseQuery(q)).toEqual(expected);
  });
});

describe('parseQuery: values', () => {
  it.each<[string, Query]>([
    ['email:john+1@example.com', exact('email', 'john+1@example.com')],
    ['created_at:2024-01-01', exact('created_at', '2024-01-01')],
    ['user_id:auth0|123', exact('user_id', 'auth0|123')],
    ['email:a&b@x.com', exact('email', 'a&b@x.com')],
    ['name:jo\\*hn', exact('name', 'jo*hn')],
    ['name:jo\\*hn*', wildcard('name', 'jo*hn', '')],
    ['name:"say \\"hi\\" *now*"', exact('name', 'say "hi" *now*')],
    ['user_metadata.time:10\\:30', exact('user_metadata.time', '10:30')],
    ['name:jane\\ smith', exact('name', 'jane smith')],
    ['user_metadata.score:\\-5', exact('user_metadata.score', '-5')],
    ['\\AND', exact(null, 'AND')],
    ['name:  "jane"', exact('name', 'jane')],
    ['_exists_: nickname', exists('nickname')],
    ['name:*', exists('name')],
    ['name:**', exists('name')],
    ['*', exists(null)],
    ['name:john**', wildcard('name', 'john', '')],
    ['logins_count:>=100', range('logins_count', '100', null, true, true)],
    ['logins_count:>100', range('logins_count', '100', null, false, true)],
    ['logins_count:<=100', range('logins_count', null, '100', true, true)],
    ['logins_count:<100', range('logins_count', null, '100', true, false)],
    ['logins_count:\\>100', exact('logins_count', '>100')],
    ['logins_count:[-5 TO 5]', range('logins_count', '-5', '5', true, true)],
    ['created_at:[2024-01-01T00:00:00Z TO *]', range('created_at', '2024-01-01T00:00:00Z', null, true, true)],
    ['user_metadata.code:["a b" TO "*"]', range('user_metadata.code', 'a b', '*', true, true)],
    ['a TO b', or(exact(null, 'a'), exact(null, 'TO'), exact(null, 'b'))],
  ])('%s', (q, expected) => {
    expect(parseQuery(q)).toEqual(expected);
  });
});
