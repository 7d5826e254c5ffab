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
  /** Median of the runs; undefined when the import failed. */
  importMs: number | undefined;
  importRunsMs: number[];
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

export async function bundleAll(repoRoot: string, importRuns: number): Promise<BundleResult[]> {
  const outRoot = join(repoRoot, '.bench', 'bundles');
  rmSync(outRoot, { recursive: true, force: true });
  const results: BundleResult[] = [];
  for (const route of routes) {
    const dir = join(outRoot, route.id);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'index.mjs');
    const started = performance.now();
    await build({
      ...esbuildOptions,
      absWorkingDir: repoRoot,
      entryPoints: [join(repoRoot, entryFor(route.handler))],
      outfile: file,
      logLevel: 'error',
    });
    const buildMs = performance.now() - started;
    const code = readFileSync(file);
    const result: BundleResult = {
      route: route.id,
      handler: route.handler,
      file: file.slice(repoRoot.length + 1),
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      buildMs: Math.round(buildMs),
      importMs: undefined,
      importRunsMs: [],
      processMs: undefined,
    };
    try {
      const runs = Array.from({ length: importRuns }, () => coldImport(file));
      result.importRunsMs = runs.map((r) => round(r.ms));
      result.importMs = round(median(runs.map((r) => r.ms)));
      result.processMs = round(median(runs.map((r) => r.processMs)));
    } catch (error) {
      result.error = (error as Error).message;
    }
    results.push(result);
  }
  return results;
}

const round = (n: number) => Math.round(n * 10) / 10;
