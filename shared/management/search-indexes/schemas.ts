// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { config } from '#shared/platform/config';
import { DECLARED_TYPES } from '#shared/management/search-indexes/model';
import { indexPathProblem } from '#shared/management/search-indexes/path';

/** Request shapes for /api/v2/search-indexes (our extension of the Management API). */
const path = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = indexPathProblem(value, config.METADATA_MAX_DEPTH);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const CreateSearchIndexBody = z
  .object({
    path: path.describe('Metadata path to index, e.g. app_metadata.plan'),
    // Through a string first, so a missing type is reported as missing rather than as no enum match.
    type: z.string().pipe(z.enum(DECLARED_TYPES)).describe('Type of the values at the path'),
  })
  .strict();
export type CreateSearchIndexBody = z.output<typeof CreateSearchIndexBody>;

export const SearchIndexPathParams = z.object({
  path: z.string().min(1).max(2048).describe('Path of the search index (URL-encoded)'),
});
