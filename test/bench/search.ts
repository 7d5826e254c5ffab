import type { TableContext } from '#test/bench/context';
import type { SearchBench } from '#test/bench/search-run';
import { searchReport, searchTargets } from '#test/bench/search-report';
import type { TargetCheck } from '#test/bench/section';

/**
 * Search at scale (issue 4): BENCH_SEARCH_USERS users loaded straight into the table, searches on
 * root fields and declared metadata paths against the Scan fallback (search-run.ts). It needs the
 * table only, so `BENCH_ONLY=search` runs it without the server; in a full run it goes last, since
 * it loads the table.
 */
export const name = 'search';

export type SearchResults = SearchBench;

export async function run(ctx: TableContext): Promise<SearchResults> {
  // search-run.ts imports the service: only now, once the context has set the environment.
  const { benchSearch } = await import('#test/bench/search-run');
  return benchSearch(ctx.progress);
}

export const report = (results: SearchResults): string => searchReport(results);

export const targets = (results: SearchResults): TargetCheck[] => searchTargets(results);
