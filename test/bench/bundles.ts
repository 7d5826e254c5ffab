import { cpus, loadavg } from 'node:os';
import { routes } from '#shared/http/routes';
import { baselineProcessMs, bundleAll, type BundleResult } from '#test/bench/bundle-build';
import type { RunContext } from '#test/bench/context';
import { fmt, table } from '#test/bench/format';
import type { TargetCheck } from '#test/bench/section';
import { round } from '#test/bench/stats';

/**
 * Every route's Lambda bundle (bundle-build.ts): size and cold import in a fresh process. Run
 * after the server and DynamoDB Local have stopped, so nothing else runs during the cold imports.
 */
export const name = 'bundles';

const IMPORT_RUNS = 7;
/** Targets (see /work/shared/reference/performance-anchors.md). */
const MAX_BUNDLE_BYTES = 600_000;
const MAX_COLD_IMPORT_MS = 250;

export interface BundlesResults {
  /** Wall time of `node -e ''`, median of IMPORT_RUNS. */
  baselineMs: number;
  items: BundleResult[];
}

export async function run(ctx: RunContext): Promise<BundlesResults> {
  ctx.progress(`bundling ${routes.length} routes and timing cold imports (median of ${IMPORT_RUNS})`);
  const baselineMs = round(baselineProcessMs(IMPORT_RUNS), 1);
  return { baselineMs, items: await bundleAll(ctx.repoRoot, IMPORT_RUNS) };
}

export function targets({ items }: BundlesResults): TargetCheck[] {
  const tooBig = items.filter((b) => b.bytes >= MAX_BUNDLE_BYTES);
  const largest = items.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slow = items.filter((b) => b.importMs === undefined || b.importMs >= MAX_COLD_IMPORT_MS);
  const slowest = items.reduce((a, b) => ((b.importMs ?? Infinity) > (a.importMs ?? -1) ? b : a));
  return [
    {
      target: `every bundle < ${MAX_BUNDLE_BYTES.toLocaleString('en-US')} B minified`,
      pass: tooBig.length === 0,
      detail: tooBig.length === 0 ? `largest ${largest.route}: ${largest.bytes.toLocaleString('en-US')} B` : `over: ${tooBig.map((b) => `${b.route} ${b.bytes} B`).join(', ')}`,
    },
    {
      target: `every cold import < ${MAX_COLD_IMPORT_MS} ms`,
      pass: slow.length === 0,
      detail:
        slow.length === 0
          ? `slowest ${slowest.route}: ${slowest.importMs} ms`
          : `missed: ${slow
              .map((b) => (b.importMs === undefined ? `${b.route} ${b.error ?? 'failed'}` : `${b.route} median ${b.importMs} ms (fastest run ${b.importMinMs} ms)`))
              .join(', ')}; load average now ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
    },
  ];
}

export function report({ baselineMs, items }: BundlesResults): string {
  const lines = [`\n== Lambda bundles (esbuild, infra/bundling.ts options; fresh-process baseline \`node -e ''\` = ${fmt(baselineMs, 1)} ms wall) ==`];
  lines.push(
    table(
      ['route', 'handler', 'minified B', 'gzip B', 'cold import ms (median)', 'min', 'process wall ms', ''],
      items.map((b) => [
        b.route,
        b.handler,
        b.bytes.toLocaleString('en-US'),
        b.gzipBytes.toLocaleString('en-US'),
        b.importMs === undefined ? 'failed' : fmt(b.importMs, 1),
        b.importMinMs === undefined ? '-' : fmt(b.importMinMs, 1),
        b.processMs === undefined ? '-' : fmt(b.processMs, 1),
        b.error ?? '',
      ]),
      new Set([2, 3, 4, 5, 6]),
    ),
  );
  const largest = items.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  lines.push(`  Largest (${largest.route}) by source: ${largest.largestSources.map((x) => `${x.source} ${(x.bytes / 1000).toFixed(0)} kB`).join(', ')}`);
  return lines.join('\n');
}

/** This section's part of results.json. */
export function json({ baselineMs, items }: BundlesResults) {
  return { baselineNodeProcessMs: baselineMs, maxBytes: MAX_BUNDLE_BYTES, maxColdImportMs: MAX_COLD_IMPORT_MS, items };
}
