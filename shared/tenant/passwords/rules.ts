/**
 * A database connection's password rules beyond strength (Auth0's password options), pure:
 * - `password_dictionary` {enable, dictionary}: the password may not be one of the connection's
 *   dictionary entries, compared case-insensitively. Auth0 adds its own list of 10,000 common
 *   passwords; we check the connection's entries only (docs/connections.md).
 * - `password_no_personal_info` {enable}: the password may not contain the user's name,
 *   username, nickname or the part of the email before '@' (case-insensitive; parts shorter
 *   than 3 characters are ignored, or every password holding a common letter pair would fail).
 * `password_history` is refused when enabled (no previous hashes are kept): management/connections.
 */
export interface PasswordRuleOptions {
  password_dictionary?: { enable?: boolean; dictionary?: string[] } | null;
  password_no_personal_info?: { enable?: boolean } | null;
}

/** What the user is known by when the password is set. */
export interface PersonalInfo {
  email?: string;
  username?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
}

export type PasswordRuleFailure = 'dictionary' | 'personal_info';

const MIN_PERSONAL_PART = 3;

export function passwordRuleFailure(options: PasswordRuleOptions, password: string, user: PersonalInfo): PasswordRuleFailure | undefined {
  const lower = password.toLowerCase();
  const dictionary = options.password_dictionary;
  if (dictionary?.enable === true && (dictionary.dictionary ?? []).some((word) => word.toLowerCase() === lower)) return 'dictionary';
  if (options.password_no_personal_info?.enable === true && personalParts(user).some((part) => lower.includes(part))) return 'personal_info';
  return undefined;
}

function personalParts(user: PersonalInfo): string[] {
  const values = [user.email?.split('@')[0], user.username, user.name, user.nickname, user.given_name, user.family_name];
  return values.filter((v): v is string => typeof v === 'string' && v.length >= MIN_PERSONAL_PART).map((v) => v.toLowerCase());
}
