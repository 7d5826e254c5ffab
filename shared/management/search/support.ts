import { forEachTerm, isPrefixPattern, type Query } from '#shared/management/search/ast';
import { UnsupportedQueryError } from '#shared/management/errors';
import { isMetadataPath } from '#shared/management/search/fields';

export interface SupportOptions {
  /**
   * Metadata paths that accept ranges and prefix wildcards. Auth0 refuses both on metadata; a
   * declared metadata index will allow them on its path.
   */
  allowPatternsOn?: (path: string) => boolean;
}

/** Refuses what search does not offer on metadata: wildcards and ranges, unless the path allows them. */
export function assertSupported(query: Query, options: SupportOptions = {}): void {
  forEachTerm(query, ({ field, value }) => {
    if (field === null || !isMetadataPath(field)) return;
    if (value.kind !== 'wildcard' && value.kind !== 'range') return;
    if (!options.allowPatternsOn?.(field)) {
      throw new UnsupportedQueryError(`Wildcards and ranges are not supported on metadata fields (${field})`);
    }
    if (value.kind === 'wildcard' && !isPrefixPattern(value)) {
      throw new UnsupportedQueryError(`Only prefix wildcards (abc*) are supported on metadata fields (${field})`);
    }
  });
}
