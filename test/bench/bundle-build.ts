import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { entryFor, esbuildOptions } from '#infra/bundling';
import { routes } from '#shared/http/routes';

/**
 * Each route's Lambda bundled exactly as CDK bundles it (the shared esbuild options), then its
 * size and the cold `import` time of the bundle in a fresh Node process.
 */
export interface BundleResult {
  route: string;
  handler: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  buildMs: number;
  /** Where the minified bytes come from (esbuild metafile), largest first. */
  largestSources: { source: string; bytes: number }[];
  /** Median of the runs; undefined when the import failed. */
  importMs: number | undefined;
  importRunsMs: number[];
  /** Fastest run: the least disturbed by other work on the machine. */
  importMinMs: number | undefined;
  /** Median wall time of the whole child process (spawn, import, exit). */
  processMs: number | undefined;
  error?: string;
}

/** Dummy configuration: the import reads it, and nothing connects at import time. */
const IMPORT_ENV = {
  TABLE_NAME: 'bench',
  ISSUER: 'http://localhost/',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
  LOG_LEVEL: 'warn',
};

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A clean environment for child processes: no NODE_OPTIONS or loader hooks inherited from tsx. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...extra };
  return env;
}

/** Wall time of `node -e ''`: what any fresh process costs before it imports anything. */
export function baselineProcessMs(runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const out = spawnSync(process.execPath, ['-e', ''], { env: childEnv(), stdio: 'ignore' });
    if (out.status !== 0) throw new Error(`node -e '' exited with ${out.status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

function coldImport(file: string): { ms: number; processMs: number } {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const started = performance.now();
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: childEnv(IMPORT_ENV),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const processMs = performance.now() - started;
  const ms = Number(out.stdout.trim());
  if (out.status !== 0 || !Number.isFinite(ms)) {
    const detail = (out.stderr || out.error?.message || '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`import failed (exit ${out.status}): ${detail}`);
  }
  return { ms, processMs };
}

/** Output bytes by package (node_modules) or first-party folder, largest first. */
function composition(inputs: Record<string, { bytesInOutput: number }>, top: number): { source: string; bytes: number }[] {
  const bySource = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const source = pkg ? pkg[1]! : path.split('/').slice(0, 2).join('/');
    bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
  }
  return [...bySource]
    .map(([source, bytes]) => ({ source, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/**
 * Builds every route's bundle, then times cold imports round-robin (one discarded round first), so
 * a burst of load from elsewhere on the machine spreads over all bundles instead of hitting one.
 */
export async function bundleAll(repoRoot: string, importRuns: number): Promise<BundleResult[]> {
  const outRoot = join(repoRoot, '.bench', 'bundles');
  rmSync(outRoot, { recursive: true, force: true });
  const results: BundleResult[] = [];
  for (const route of routes) {
    const dir = join(outRoot, route.id);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'index.mjs');
    const started = performance.now();
    const built = await build({
      ...esbuildOptions,
      absWorkingDir: repoRoot,
      entryPoints: [join(repoRoot, entryFor(route.handler))],
      outfile: file,
      metafile: true,
      logLevel: 'error',
    });
    const buildMs = performance.now() - started;
    const code = readFileSync(file);
    const output = Object.values(built.metafile.outputs).find((o) => o.entryPoint !== undefined);
    results.push({
      route: route.id,
      handler: route.handler,
      file: file.slice(repoRoot.length + 1),
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      buildMs: Math.round(buildMs),
      largestSources: output ? composition(output.inputs, 6) : [],
      importMs: undefined,
      importRunsMs: [],
      importMinMs: undefined,
      processMs: undefined,
    });
  }

  const processRuns = new Map<string, number[]>();
  for (let run = -1; run < importRuns; run++) {
    for (const result of results) {
      if (result.error) continue;
      try {
        const { ms, processMs } = coldImport(join(repoRoot, result.file));
        if (run < 0) continue;
        result.importRunsMs.push(round(ms));
        processRuns.set(result.route, [...(processRuns.get(result.route) ?? []), processMs]);
      } catch (error) {
        result.error = (error as Error).message;
      }
    }
  }
  for (const result of results) {
    if (result.error || result.importRunsMs.length === 0) continue;
    result.importMs = round(median(result.importRunsMs));
    result.importMinMs = Math.min(...result.importRunsMs);
    result.processMs = round(median(processRuns.get(result.route) ?? []));
  }
  return results;
}

const round = (n: number) => Math.round(n * 10) / 10;
