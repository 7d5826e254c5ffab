/**
 * Auth0's password strength policies for database connections, as the password-sheriff library
 * defines them (Auth0 returns its rule objects verbatim in a PasswordStrengthError). Pure: a
 * policy is built from a connection's options and checked against a password; no I/O.
 *
 * Levels: none (1+ chars), low (6+), fair (8+, lower, upper and digit), good (8+, 3 of 4 kinds),
 * excellent (10+, 3 of 4 kinds, at most 2 identical characters in a row). A connection's
 * `password_complexity_options.min_length` (1-128) replaces the level's minimum length.
 */
export const PASSWORD_POLICY_LEVELS = ['none', 'low', 'fair', 'good', 'excellent'] as const;
export type PasswordPolicyLevel = (typeof PASSWORD_POLICY_LEVELS)[number];

/** Auth0's bcrypt limit; longer passwords are refused rather than silently truncated. */
export const MAX_PASSWORD_BYTES = 72;
const MIN_LENGTH_RANGE = { min: 1, max: 128 } as const;

/** The connection options that decide the policy, under Auth0's wire names. */
export interface PasswordPolicyOptions {
  passwordPolicy?: string | null;
  password_complexity_options?: { min_length?: number } | null;
}

/** One rule or sub-rule as Auth0 reports it; key order follows password-sheriff's objects. */
export interface RuleReport {
  message: string;
  format?: (number | string)[];
  code: string;
  items?: RuleReport[];
  verified: boolean;
}

/** password-sheriff's `missing()`: the PasswordStrengthError `description`. */
export interface PolicyReport {
  rules: RuleReport[];
  verified: boolean;
}

interface CharacterKind {
  message: string;
  code: string;
  test: (password: string) => boolean;
}

/** The four kinds of characters; "special" is OWASP's list (space included), as in password-sheriff. */
const LOWER: CharacterKind = { message: 'lower case letters (a-z)', code: 'lowerCase', test: (p) => /[a-z]/.test(p) };
const UPPER: CharacterKind = { message: 'upper case letters (A-Z)', code: 'upperCase', test: (p) => /[A-Z]/.test(p) };
const NUMBERS: CharacterKind = { message: 'numbers (i.e. 0-9)', code: 'numbers', test: (p) => /\d/.test(p) };
const SPECIAL: CharacterKind = {
  message: 'special characters (e.g. !@#$%^&*)',
  code: 'specialCharacters',
  test: (p) => /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/.test(p),
};

type Rule =
  | { kind: 'length'; minLength: number }
  | { kind: 'contains'; kinds: CharacterKind[] }
  | { kind: 'containsAtLeast'; atLeast: number; kinds: CharacterKind[] }
  | { kind: 'identicalChars'; max: number };

export interface PasswordPolicy {
  level: PasswordPolicyLevel;
  rules: Rule[];
}

const ALL_KINDS = [LOWER, UPPER, NUMBERS, SPECIAL];

function levelRules(level: PasswordPolicyLevel, minLength: number | undefined): Rule[] {
  const length = (fallback: number): Rule => ({ kind: 'length', minLength: minLength ?? fallback });
  switch (level) {
    case 'none':
      return [length(1)];
    case 'low':
      return [length(6)];
    case 'fair':
      return [length(8), { kind: 'contains', kinds: [LOWER, UPPER, NUMBERS] }];
    case 'good':
      return [length(8), { kind: 'containsAtLeast', atLeast: 3, kinds: ALL_KINDS }];
    case 'excellent':
      return [length(10), { kind: 'containsAtLeast', atLeast: 3, kinds: ALL_KINDS }, { kind: 'identicalChars', max: 2 }];
  }
}

const isLevel = (value: unknown): value is PasswordPolicyLevel => PASSWORD_POLICY_LEVELS.includes(value as PasswordPolicyLevel);

/** An absent, null or unknown level is `none` (password-sheriff's fallback, and Auth0's `passwordPolicy: null`). */
export function policyFor(options: PasswordPolicyOptions): PasswordPolicy {
  const level = isLevel(options.passwordPolicy) ? options.passwordPolicy : 'none';
  const min = options.password_complexity_options?.min_length;
  const inRange = typeof min === 'number' && Number.isInteger(min) && min >= MIN_LENGTH_RANGE.min && min <= MIN_LENGTH_RANGE.max;
  return { level, rules: levelRules(level, inRange ? min : undefined) };
}

/** One rule checked against a password, in password-sheriff's `missing()` form. */
function report(rule: Rule, password: string): RuleReport {
  switch (rule.kind) {
    case 'length':
      return {
        ...lengthText(rule.minLength),
        verified: password.length > 0 && password.length >= rule.minLength,
      };
    case 'contains': {
      const items = rule.kinds.map((k) => kindReport(k, password));
      return { message: 'Should contain:', code: 'shouldContain', verified: items.every((i) => i.verified), items };
    }
    case 'containsAtLeast': {
      const items = rule.kinds.map((k) => kindReport(k, password));
      return {
        message: 'Contain at least %d of the following %d types of characters:',
        code: 'containsAtLeast',
        format: [rule.atLeast, rule.kinds.length],
        items,
        verified: items.filter((i) => i.verified).length >= rule.atLeast,
      };
    }
    case 'identicalChars':
      return {
        message: 'No more than %d identical characters in a row (e.g., "%s" not allowed)',
        code: 'identicalChars',
        format: [rule.max, 'a'.repeat(rule.max + 1)],
        verified: password.length > 0 && longestRun(password) <= rule.max,
      };
  }
}

const lengthText = (minLength: number): Omit<RuleReport, 'verified'> =>
  minLength === 1
    ? { message: 'Non-empty password required', code: 'nonEmpty' }
    : { message: 'At least %d characters in length', format: [minLength], code: 'lengthAtLeast' };

const kindReport = (kind: CharacterKind, password: string): RuleReport => ({
  message: kind.message,
  code: kind.code,
  verified: kind.test(password),
});

/** Counted in UTF-16 code units, as password-sheriff (JavaScript) counts them. */
function longestRun(password: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < password.length; i++) {
    run = i > 0 && password[i] === password[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * The policy's verdict in Auth0's `{rules, verified}` form. A password over 72 bytes fails with
 * one more rule, password-sheriff's `maxLength` (the form Auth0 uses where it refuses them).
 */
export function checkPassword(policy: PasswordPolicy, password: string): PolicyReport {
  const rules = policy.rules.map((rule) => report(rule, password));
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    rules.push({ message: 'Maximum password length exceeded', code: 'maxLength', format: [MAX_PASSWORD_BYTES], verified: false });
  }
  return { rules, verified: rules.every((r) => r.verified) };
}

/** password-sheriff's `toString()`: the `policy` text of a PasswordStrengthError. */
export function describePolicy(policy: PasswordPolicy): string {
  return policy.rules.map((rule) => describe(report(rule, ''), 0)).join('\n');
}

function describe(rule: RuleReport, depth: number): string {
  const indent = ' '.repeat(depth);
  const line = `${indent}* ${rule.format ? printf(rule.message, rule.format) : rule.message}`;
  if (!rule.items) return line;
  return `${line}\n${rule.items.map((item) => describe(item, depth + 1)).join('\n')}`;
}

/** The subset of util.format that the rule messages use: %d and %s, in order. */
const printf = (message: string, args: (number | string)[]) => {
  let next = 0;
  return message.replace(/%[ds]/g, () => String(args[next++]));
};
