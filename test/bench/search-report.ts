import type { QueryRun, SearchBench } from '#test/bench/search-run';
import type { TargetCheck } from '#test/bench/section';

/**
 * The search section's targets and report. Kept apart from search-run.ts, which imports the
 * service (this module is imported before the environment is set).
 */

/** O(k): items read <= K_FACTOR * k + K_CONSTANT. */
export const K_FACTOR = 3;
export const K_CONSTANT = 150;
/** Why those constants (printed with the target). */
const BOUND_REASON =
  `${K_FACTOR}·k: one index entry per match (two for an OR whose terms overlap), and one user item per candidate when the planner must fetch candidates to check or sort them; ` +
  `+${K_CONSTANT}: what every search reads whatever k is (the declarations, the page's 50 users and their login statistics). ` +
  "For an AND, k is the sum of its terms' matches: single-path indexes cannot find an intersection without reading a term (the planner reads them a page per shard at a time until the most selective is exhausted)";

const isIndexed = (r: QueryRun) => r.mode === 'root index' || r.mode === 'declared index';
const isScan = (r: QueryRun) => r.mode.startsWith('scan');
const refused = (r: QueryRun) => r.status === 400 && (r.error ?? '').startsWith('query_too_expensive');

export function searchTargets(bench: SearchBench): TargetCheck[] {
  const indexed = bench.runs.filter(isIndexed);
  const measured = indexed.filter((r) => r.status === 200);
  const over = measured.filter((r) => r.itemsRead > K_FACTOR * r.kRef + K_CONSTANT);
  const failed = indexed.filter((r) => r.status !== 200 && !refused(r));
  const scans = bench.runs.filter(isScan);
  const wrong = bench.runs.filter((r) => r.status === 200 && r.total !== r.k);
  const worst = measured.reduce<QueryRun | undefined>((a, r) => (!a || r.itemsRead / (r.kRef + 1) > a.itemsRead / (a.kRef + 1) ? r : a), undefined);
  return [
    {
      target: `Indexed search reads O(k) items (<= ${K_FACTOR}·k + ${K_CONSTANT}; for an AND, k summed over its terms), ${bench.users} users`,
      pass: measured.length > 0 && over.length === 0 && failed.length === 0,
      detail:
        (over.length > 0
          ? `over the bound: ${over.map((r) => `${r.q} read ${r.itemsRead} for k=${r.kRef}`).join('; ')}`
          : `${measured.length} queries within it${worst ? `, the most per match: ${worst.q} (${worst.itemsRead} items, k=${worst.kRef})` : ''}`) +
        (failed.length > 0 ? `; failed: ${failed.map((r) => `${r.q} HTTP ${r.status} ${r.error ?? ''}`).join('; ')}` : '') +
        (indexed.some(refused) ? `; refused as too expensive (not counted): ${indexed.filter(refused).map((r) => r.q).join('; ')}` : '') +
        `. ${BOUND_REASON}`,
    },
    ...(scans.length === 0 ? [] : [{
      target: `The Scan fallback reads the whole table (>= ${bench.users} items)`,
      pass: scans.length > 0 && scans.every((r) => r.status === 200 && r.itemsRead >= bench.users),
      detail: scans.map((r) => `${r.q}: ${r.status === 200 ? `${r.itemsRead} items` : `failed ${r.error ?? r.status}`}`).join('; '),
    }]),
    {
      target: 'Search totals equal the matches counted in the generated data',
      pass: wrong.length === 0,
      detail: wrong.length === 0 ? `${bench.runs.filter((r) => r.status === 200).length} answers checked` : wrong.map((r) => `${r.q} (${r.mode}): total ${r.total}, expected ${r.k}`).join('; '),
    },
  ];
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 10 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function searchReport(bench: SearchBench): string {
  const l = bench.load;
  const lines: string[] = [];
  lines.push(`\n== Search at ${bench.users.toLocaleString('en-US')} users (in-process through the users-list handler; the Scan fallback through listUsers with no budget) ==`);
  lines.push(
    `  Load: ${fmt(l.ms / 1000, 1)} s, ${fmt(l.usersPerSec)} users/s, ${fmt(l.itemsPerSec)} items/s (BatchWriteItem of 25, ${l.concurrency} in flight); ${bench.tableItemsFrom === 'scan' ? `a full Scan read ${fmt(bench.tableItems)} items` : `no full Scan ran; the ratio below uses the ${fmt(bench.tableItems)} items loaded`}.`,
  );
  // Every Scan reads the same items whatever the predicate: the ratio compares each indexed query with that.
  const scanItems = bench.tableItems;
  const rows = bench.runs.map((r) => [
    r.q.length > 62 ? `${r.q.slice(0, 59)}...` : r.q,
    r.mode,
    fmt(r.k),
    r.status === 200 ? fmt(r.total ?? Number.NaN) : `HTTP ${r.status}`,
    r.itemsReadRange[0] === r.itemsReadRange[1] ? fmt(r.itemsRead) : `${fmt(r.itemsRead)} (${r.itemsReadRange[0]}-${r.itemsReadRange[1]})`,
    r.kRef === r.k ? '' : fmt(r.kRef),
    r.kRef > 0 ? fmt(r.itemsRead / r.kRef, 2) : '-',
    fmt(r.readUnits, 1),
    fmt(r.requests, 1),
    fmt(r.p50Ms, 1),
    isIndexed(r) && r.status === 200 ? `${fmt(scanItems / Math.max(1, r.itemsRead), 1)}x` : '',
    `${r.commands}${r.error ? ` (${r.error.slice(0, 80)})` : ''}`,
  ]);
  lines.push(table(['query', 'served by', 'k', 'total', 'items read', 'k of terms', 'items/k', 'RCU', 'DB req', 'p50 ms', 'scan/index', 'commands'], rows));
  lines.push(
    '  k: matches in the generated data; "k of terms": an AND\'s terms\' matches summed, which items/k then uses; scan/index: items a full Scan read (the whole table, whatever the predicate) over items this query read; ' +
      'RCU as DynamoDB Local reports it; p50 is the time inside the handler (or around listUsers), n=' +
      `${bench.runs.find(isIndexed)?.reps ?? '-'} per indexed query, ${bench.runs.find(isScan)?.reps ?? '-'} per Scan.`,
  );
  return lines.join('\n');
}
