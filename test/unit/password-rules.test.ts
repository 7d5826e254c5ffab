import { describe, expect, it } from 'vitest';
import { passwordRuleFailure } from '#shared/tenant/passwords/rules';
import { usernameBounds, usernameLengthProblem } from '#shared/tenant/passwords/usernames';

/** A database connection's password options beyond strength, and its username length rule. */
describe('password_dictionary', () => {
  const options = { password_dictionary: { enable: true, dictionary: ['Tr0ub4dor&3', 'letmein-please'] } };

  it('refuses an entry, whatever its case, and nothing else', () => {
    expect(passwordRuleFailure(options, 'tr0ub4dor&3', {})).toBe('dictionary');
    expect(passwordRuleFailure(options, 'LETMEIN-PLEASE', {})).toBe('dictionary');
    expect(passwordRuleFailure(options, 'letmein-please!', {})).toBeUndefined();
  });

  it('does nothing unless enabled', () => {
    expect(passwordRuleFailure({ password_dictionary: { enable: false, dictionary: ['x1'] } }, 'x1', {})).toBeUndefined();
    expect(passwordRuleFailure({ password_dictionary: null }, 'x1', {})).toBeUndefined();
  });
});

describe('password_no_personal_info', () => {
  const options = { password_no_personal_info: { enable: true } };
  const user = { email: 'ada.lovelace@example.com', username: 'countess', name: 'Ada Lovelace', nickname: 'al', given_name: 'Ada' };

  it.each([
    ['the email before @', 'my-ADA.LOVELACE-pw'],
    ['the username', 'Countess2024!'],
    ['the name', 'xxada lovelacexx'],
    ['the given name (3 characters)', 'adaAdaAda'],
  ])('refuses a password holding %s', (_, password) => {
    expect(passwordRuleFailure(options, password, user)).toBe('personal_info');
  });

  it('ignores parts under 3 characters, and users without data', () => {
    expect(passwordRuleFailure(options, 'al-al-al-al', user)).toBeUndefined();
    expect(passwordRuleFailure(options, 'anything', {})).toBeUndefined();
    expect(passwordRuleFailure({}, 'countess', user)).toBeUndefined();
  });
});

describe('validation.username', () => {
  it("uses Auth0's defaults (1-15) when bounds are absent", () => {
    expect(usernameBounds({ requires_username: true })).toEqual({ min: 1, max: 15 });
    expect(usernameLengthProblem({ requires_username: true }, 'a'.repeat(16))).toBe('String is too long (16 chars), maximum 15');
    expect(usernameLengthProblem({ requires_username: true }, 'a'.repeat(15))).toBeUndefined();
  });

  it('applies set bounds, and nothing without requires_username', () => {
    const options = { requires_username: true, validation: { username: { min: 4, max: 6 } } };
    expect(usernameLengthProblem(options, 'abc')).toBe('String is too short (3 chars), minimum 4');
    expect(usernameLengthProblem(options, 'abcdefg')).toBe('String is too long (7 chars), maximum 6');
    expect(usernameLengthProblem({ validation: { username: { max: 2 } } }, 'abcdefg')).toBeUndefined();
  });
});
