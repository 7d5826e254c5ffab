import { forEachTerm, type Query, type Value } from '#shared/management/search/ast';
import { UnsupportedQueryError } from '#shared/management/errors';

/**
 * The longest value or range bound a query may hold, in characters (code points). Longer than any
 * root field Auth0 accepts (nickname 350, user_id 255 after its prefix, email 254, name 150), and
 * past what an index key keeps whole (100 code points), so no real search needs more; every value
 * a user holds is compared with it, so it bounds that work whatever the rest of the query.
 */
export const MAX_TERM_LENGTH = 512;

const length = (text: string | null) => (text === null ? 0 : [...text].length);

/** A wildcard's stars count as characters: `a…a*` is as long as it is written. */
function lengthOf(value: Value): number[] {
  switch (value.kind) {
    case 'exact':
      return [length(value.text)];
    case 'wildcard':
      return [value.parts.reduce((sum, part) => sum + length(part), value.parts.length - 1)];
    case 'range':
      return [length(value.lower), length(value.upper)];
    case 'exists':
      return [];
  }
}

export function assertTermLengths(query: Query): void {
  forEachTerm(query, ({ field, value }) => {
    const longest = Math.max(0, ...lengthOf(value));
    if (longest > MAX_TERM_LENGTH) {
      const what = field ?? 'a term without a field';
      throw new UnsupportedQueryError(`A search value is at most ${MAX_TERM_LENGTH} characters (${what} has ${longest})`);
    }
  });
}
