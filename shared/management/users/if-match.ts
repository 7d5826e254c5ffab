import { InvalidIfMatchError } from '#shared/management/errors';

/**
 * Parses If-Match into the versions a write may happen at. `*` means "the user must exist" (which
 * every write checks anyway), so it adds no version condition. Weak tags never match (RFC 9110
 * requires strong comparison for If-Match), so a weak tag leaves no version to write at. At most
 * MAX_TAGS tags: they become one `IN (...)` in a condition that must stay within 4 KB.
 */
export const MAX_TAGS = 20;

export function versionsFromIfMatch(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '*') return undefined;
  const tags = trimmed.split(',').map((t) => t.trim()).filter(Boolean);
  if (tags.length === 0) throw new InvalidIfMatchError('If-Match must be "*" or a list of entity tags.');
  if (tags.length > MAX_TAGS) throw new InvalidIfMatchError(`If-Match may list at most ${MAX_TAGS} entity tags.`);
  const versions: number[] = [];
  for (const tag of tags) {
    const strong = /^"(\d{1,15})"$/.exec(tag);
    if (strong) versions.push(Number(strong[1]));
    else if (!/^(W\/)?"[^"]*"$/.test(tag)) {
      throw new InvalidIfMatchError('If-Match must be "*" or a list of entity tags.');
    }
  }
  return versions.length > 0 ? [...new Set(versions)] : [-1];
}
