import { describe, expect, it } from 'vitest';
import { checkPassword, describePolicy, policyFor, type PasswordPolicyOptions } from '#shared/tenant/passwords/policy';

/**
 * Auth0's five password policies, checked against the rule objects Auth0 returns (password-sheriff's
 * `missing()`), compared as JSON text so key order counts too. The expected texts are real Auth0
 * bodies where one was found: go-auth0 `authentication/authentication_error_test.go` (good),
 * community.auth0.com/t/79241 (fair), a captured /lo/reset answer (excellent).
 */
const check = (options: PasswordPolicyOptions, password: string) => JSON.stringify(checkPassword(policyFor(options), password));
const policyText = (options: PasswordPolicyOptions) => describePolicy(policyFor(options));

const KINDS = (lower: boolean, upper: boolean, numbers: boolean, special: boolean) =>
  `{"message":"lower case letters (a-z)","code":"lowerCase","verified":${lower}},` +
  `{"message":"upper case letters (A-Z)","code":"upperCase","verified":${upper}},` +
  `{"message":"numbers (i.e. 0-9)","code":"numbers","verified":${numbers}},` +
  `{"message":"special characters (e.g. !@#$%^&*)","code":"specialCharacters","verified":${special}}`;

const GOOD_TEXT =
  '* At least 8 characters in length\n* Contain at least 3 of the following 4 types of characters:\n' +
  ' * lower case letters (a-z)\n * upper case letters (A-Z)\n * numbers (i.e. 0-9)\n * special characters (e.g. !@#$%^&*)';

describe('good (the default of a new database connection)', () => {
  it("reports length and 3 of 4 kinds exactly as Auth0's PasswordStrengthError does", () => {
    // go-auth0's recorded description: long enough, lower case and special characters only.
    expect(check({ passwordPolicy: 'good' }, 'abcdefg!')).toBe(
      '{"rules":[{"message":"At least %d characters in length","format":[8],"code":"lengthAtLeast","verified":true},' +
        '{"message":"Contain at least %d of the following %d types of characters:","code":"containsAtLeast","format":[3,4],' +
        `"items":[${KINDS(true, false, false, true)}],"verified":false}],"verified":false}`,
    );
  });

  it('fails a short password on both rules', () => {
    expect(check({ passwordPolicy: 'good' }, 'hello')).toBe(
      '{"rules":[{"message":"At least %d characters in length","format":[8],"code":"lengthAtLeast","verified":false},' +
        '{"message":"Contain at least %d of the following %d types of characters:","code":"containsAtLeast","format":[3,4],' +
        `"items":[${KINDS(true, false, false, false)}],"verified":false}],"verified":false}`,
    );
  });

  it.each(['Passw0rd', 'a Secret phrase', 'UPPER lower', 'abc123!!', 'ABC123!!'])('accepts %j', (password) => {
    expect(checkPassword(policyFor({ passwordPolicy: 'good' }), password).verified).toBe(true);
  });

  it.each(['correct horse battery staple', 'abcdefgh', 'ABCD1234', 'abc!@#$%', 'Abcdefg1'.slice(0, 7)])('refuses %j', (password) => {
    expect(checkPassword(policyFor({ passwordPolicy: 'good' }), password).verified).toBe(false);
  });

  it("describes itself in Auth0's policy text", () => {
    expect(policyText({ passwordPolicy: 'good' })).toBe(GOOD_TEXT);
  });
});

describe('fair', () => {
  it('needs lower case, upper case and numbers, reported as "Should contain:"', () => {
    // community.auth0.com/t/79241: a signup with password "1" on a fair connection.
    expect(check({ passwordPolicy: 'fair' }, '1')).toBe(
      '{"rules":[{"message":"At least %d characters in length","format":[8],"code":"lengthAtLeast","verified":false},' +
        '{"message":"Should contain:","code":"shouldContain","verified":false,"items":[' +
        '{"message":"lower case letters (a-z)","code":"lowerCase","verified":false},' +
        '{"message":"upper case letters (A-Z)","code":"upperCase","verified":false},' +
        '{"message":"numbers (i.e. 0-9)","code":"numbers","verified":true}]}],"verified":false}',
    );
  });

  it('accepts all three kinds and refuses two of them however long', () => {
    const fair = policyFor({ passwordPolicy: 'fair' });
    expect(checkPassword(fair, 'someP123').verified).toBe(true);
    expect(checkPassword(fair, 'helloGOODBYE!!').verified).toBe(false);
  });

  it('describes itself', () => {
    expect(policyText({ passwordPolicy: 'fair' })).toBe(
      '* At least 8 characters in length\n* Should contain:\n * lower case letters (a-z)\n * upper case letters (A-Z)\n * numbers (i.e. 0-9)',
    );
  });
});

describe('excellent', () => {
  it('adds the identical-characters rule with its "%s" example', () => {
    expect(check({ passwordPolicy: 'excellent' }, 'hello world!')).toBe(
      '{"rules":[{"message":"At least %d characters in length","format":[10],"code":"lengthAtLeast","verified":true},' +
        '{"message":"Contain at least %d of the following %d types of characters:","code":"containsAtLeast","format":[3,4],' +
        `"items":[${KINDS(true, false, false, true)}],"verified":false},` +
        '{"message":"No more than %d identical characters in a row (e.g., \\"%s\\" not allowed)","code":"identicalChars",' +
        '"format":[2,"aaa"],"verified":true}],"verified":false}',
    );
  });

  it('refuses three identical characters in a row and accepts two', () => {
    const excellent = policyFor({ passwordPolicy: 'excellent' });
    expect(checkPassword(excellent, 'hello111HELLO').verified).toBe(false);
    expect(checkPassword(excellent, 'hello11HELLO').verified).toBe(true);
    expect(checkPassword(excellent, 'somePas1! ').verified).toBe(true);
  });

  it('describes itself', () => {
    expect(policyText({ passwordPolicy: 'excellent' })).toBe(
      GOOD_TEXT.replace('At least 8', 'At least 10') + '\n* No more than 2 identical characters in a row (e.g., "aaa" not allowed)',
    );
  });
});

describe('low and none', () => {
  it('low needs 6 characters of any kind', () => {
    expect(check({ passwordPolicy: 'low' }, '12345')).toBe(
      '{"rules":[{"message":"At least %d characters in length","format":[6],"code":"lengthAtLeast","verified":false}],"verified":false}',
    );
    expect(checkPassword(policyFor({ passwordPolicy: 'low' }), '123456').verified).toBe(true);
    expect(policyText({ passwordPolicy: 'low' })).toBe('* At least 6 characters in length');
  });

  it('none needs one character', () => {
    expect(check({ passwordPolicy: 'none' }, '')).toBe(
      '{"rules":[{"message":"Non-empty password required","code":"nonEmpty","verified":false}],"verified":false}',
    );
    expect(check({ passwordPolicy: 'none' }, 'x')).toBe(
      '{"rules":[{"message":"Non-empty password required","code":"nonEmpty","verified":true}],"verified":true}',
    );
    expect(policyText({ passwordPolicy: 'none' })).toBe('* Non-empty password required');
  });

  it.each([{}, { passwordPolicy: null }, { passwordPolicy: 'strong' }])('treats %j as none, as Auth0 does', (options) => {
    expect(policyFor(options).level).toBe('none');
    expect(checkPassword(policyFor(options), 'x').verified).toBe(true);
  });
});

describe('password_complexity_options.min_length', () => {
  it("replaces the level's minimum length", () => {
    const options = { passwordPolicy: 'good', password_complexity_options: { min_length: 12 } };
    expect(checkPassword(policyFor(options), 'Passw0rd!').rules[0]).toEqual({
      message: 'At least %d characters in length', format: [12], code: 'lengthAtLeast', verified: false,
    });
    expect(checkPassword(policyFor(options), 'Passw0rd!long').verified).toBe(true);
    expect(policyText(options)).toBe(GOOD_TEXT.replace('At least 8', 'At least 12'));
  });

  it('can lower it too, down to 1 (a non-empty rule)', () => {
    expect(checkPassword(policyFor({ passwordPolicy: 'low', password_complexity_options: { min_length: 2 } }), 'ab').verified).toBe(true);
    expect(policyText({ passwordPolicy: 'excellent', password_complexity_options: { min_length: 1 } })).toMatch(/^\* Non-empty password required\n/);
  });

  it.each([0, 129, 8.5, -1])('ignores %d, outside Auth0 range of 1-128', (min_length) => {
    expect(policyText({ passwordPolicy: 'low', password_complexity_options: { min_length } })).toBe('* At least 6 characters in length');
  });
});

describe('72-byte maximum', () => {
  it('fails a longer password with password-sheriff maxLength rule, under any level', () => {
    const long = `Aa1!${'x'.repeat(69)}`;
    expect(Buffer.byteLength(long)).toBe(73);
    const report = checkPassword(policyFor({ passwordPolicy: 'none' }), long);
    expect(JSON.stringify(report)).toBe(
      '{"rules":[{"message":"Non-empty password required","code":"nonEmpty","verified":true},' +
        '{"message":"Maximum password length exceeded","code":"maxLength","format":[72],"verified":false}],"verified":false}',
    );
    expect(checkPassword(policyFor({ passwordPolicy: 'good' }), long.slice(1)).verified).toBe(true);
  });

  it('counts bytes, not characters', () => {
    const emoji = '😀'.repeat(18); // 72 bytes
    expect(checkPassword(policyFor({ passwordPolicy: 'none' }), emoji).verified).toBe(true);
    expect(checkPassword(policyFor({ passwordPolicy: 'none' }), `${emoji}a`).verified).toBe(false);
  });
});

describe('character kinds', () => {
  it.each([' ', '"', '\\', '[', ']', '^', '_', '`', '{', '|', '}', '~', '-', '.', '/'])('counts %j as special, as OWASP lists it', (c) => {
    expect(checkPassword(policyFor({ passwordPolicy: 'good' }), `abcdefgh${c}1`).verified).toBe(true);
  });

  it('does not count letters outside a-z and A-Z (password-sheriff tests ASCII only)', () => {
    expect(checkPassword(policyFor({ passwordPolicy: 'good' }), 'ééééÉÉÉÉ1').verified).toBe(false);
  });
});
