/**
 * A database connection's username length rule: `validation.username {min, max}` (Auth0's
 * defaults 1 and 15 when `requires_username` is on and no bounds are set; at most 128). Pure.
 * The characters a username may hold are checked where usernames arrive (signup, users).
 */
export interface UsernameRuleOptions {
  requires_username?: boolean;
  validation?: { username?: { min?: number; max?: number } | null } | null;
}

export const DEFAULT_USERNAME_LENGTH = { min: 1, max: 15 } as const;

export function usernameBounds(options: UsernameRuleOptions): { min: number; max: number } {
  const bounds = options.validation?.username ?? {};
  return { min: bounds.min ?? DEFAULT_USERNAME_LENGTH.min, max: bounds.max ?? DEFAULT_USERNAME_LENGTH.max };
}

/** Why the username breaks the connection's bounds, in z-schema's words, or undefined. */
export function usernameLengthProblem(options: UsernameRuleOptions, username: string): string | undefined {
  if (options.requires_username !== true) return undefined;
  const { min, max } = usernameBounds(options);
  if (username.length < min) return `String is too short (${username.length} chars), minimum ${min}`;
  if (username.length > max) return `String is too long (${username.length} chars), maximum ${max}`;
  return undefined;
}
