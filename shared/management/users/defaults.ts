import { createHash } from 'node:crypto';

/**
 * Auth0's defaults for a new database user: `name` is the email, `nickname` its local part,
 * `picture` a Gravatar whose fallback is Auth0's avatar for the name's initials.
 */
export const defaultName = (email: string) => email;
export const defaultNickname = (email: string) => email.slice(0, email.indexOf('@'));

/** Two letters: the first of each of two words, else the first two of one. Counted in code points, never halves of one. */
export function initials(name: string): string {
  const words = name.trim().toLowerCase().split(/\s+/).filter(Boolean).map((w) => Array.from(w));
  if (words.length >= 2) return `${words[0]![0]}${words[1]![0]}`;
  return (words[0] ?? []).slice(0, 2).join('');
}

export function defaultPicture(email: string, name: string): string {
  const hash = createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  const fallback = encodeURIComponent(`https://cdn.auth0.com/avatars/${initials(name).toWellFormed()}.png`);
  return `https://s.gravatar.com/avatar/${hash}?s=480&r=pg&d=${fallback}`;
}
