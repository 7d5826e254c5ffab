/**
 * How a Lambda is bundled, in one place: CDK's NodejsFunction uses these options, and the
 * benchmark bundles with the same ones to report each function's size and cold import time.
 */
export const LAMBDA_NODE_TARGET = 'node22';

/** Native addons cannot be inlined; they ship beside the bundle (see infra/stack.ts). */
export const NATIVE_MODULES = ['@node-rs/argon2'] as const;

/** ESM bundles need `require` for the few CommonJS paths inside dependencies. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Set at bundle time: code that only runs locally (the in-process rules sandbox) sits behind this
 * constant, so esbuild drops it from the Lambda bundles.
 */
export const BUNDLE_DEFINE = { 'process.env.BUNDLED_FOR_LAMBDA': '"true"' };

export const esbuildOptions = {
  bundle: true,
  platform: 'node' as const,
  target: LAMBDA_NODE_TARGET,
  format: 'esm' as const,
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  external: [...NATIVE_MODULES],
  banner: { js: ESM_REQUIRE_BANNER },
  define: BUNDLE_DEFINE,
};

export const entryFor = (handler: string) => `functions/${handler}.ts`;
