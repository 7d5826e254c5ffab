import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  NodejsFunction, OutputFormat, type BundlingOptions, type ICommandHooks, type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { entryFor, esbuildOptions, NATIVE_MODULES } from '#infra/bundling';
import type { RouteDef } from '#shared/http/routes';

/** Resolved from this file, so synth does not depend on the directory it is started from. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** 1769 MB is where Lambda allocates one full vCPU; argon2id hashing is CPU-bound. */
const HASHING_MEMORY_MB = 1769;
export const DEFAULT_MEMORY_MB = 512;
/** Functions that run logins wait for the rules runner: just under API Gateway's 30 s integration limit. */
const LOGIN_TIMEOUT_SECONDS = 29;

/**
 * The native addon ships beside the bundle, and its prebuilt binary is for x86_64 Linux (glibc),
 * which is why every route function runs on Architecture.X86_64: an arm64 Lambda could not load it.
 */
const ARGON2_PLATFORM_PACKAGE = '@node-rs/argon2-linux-x64-gnu';
const SHIPPED_PACKAGES = [...NATIVE_MODULES, ARGON2_PLATFORM_PACKAGE];

/** The shared esbuild options (infra/bundling.ts), in NodejsFunction's vocabulary. */
const BUNDLING: BundlingOptions = {
  // Local esbuild only: synth must run offline in CI, with no Docker.
  forceDockerBundling: false,
  target: esbuildOptions.target,
  format: esbuildOptions.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
  minify: esbuildOptions.minify,
  sourceMap: esbuildOptions.sourcemap,
  banner: esbuildOptions.banner.js,
  mainFields: [...esbuildOptions.mainFields],
  // Replaces CDK's default of leaving '@aws-sdk/*' external: the SDK is bundled, so the version
  // that runs is the one in package-lock.json (and the one the benchmark measures).
  externalModules: [...esbuildOptions.external],
  define: esbuildOptions.define,
};

/**
 * A function of this project: nodejs22.x, bundled by local esbuild from `entry` (a path under the
 * project), with an explicit log group (not `logRetention`, which would add a custom-resource
 * Lambda). The rest (architecture, memory, timeout, role, environment) is the caller's.
 */
export function projectFunction(
  scope: Construct,
  id: string,
  props: Omit<NodejsFunctionProps, 'entry' | 'logGroup'> & { entry: string; nativeModules?: boolean },
): NodejsFunction {
  const { entry, nativeModules, ...rest } = props;
  return new NodejsFunction(scope, `${id}Function`, {
    entry: join(PROJECT_ROOT, entry),
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    handler: 'handler',
    runtime: Runtime.NODEJS_22_X,
    logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
    bundling: nativeModules ? { ...BUNDLING, commandHooks: shipNativeModules() } : BUNDLING,
    ...rest,
  });
}

/** What every route function gets from the stack: where the data is, who issues, its role. */
export interface RouteFunctionContext {
  tableName: string;
  issuer: string;
  role: IRole;
}

/** The function serving one route of the route table (its environment beyond these: the caller's). */
export function routeFunction(scope: Construct, route: RouteDef, id: string, context: RouteFunctionContext): NodejsFunction {
  return projectFunction(scope, id, {
    description: `${route.method} ${route.path}`,
    entry: entryFor(route.handler),
    role: context.role,
    architecture: Architecture.X86_64, // must match the argon2 binary shipped (see above)
    memorySize: route.hashesPasswords ? HASHING_MEMORY_MB : DEFAULT_MEMORY_MB,
    // A login waits for the rules runner (its budget is 20 s); HTTP APIs stop at 30 s.
    timeout: Duration.seconds(route.runsExtensions ? LOGIN_TIMEOUT_SECONDS : 10),
    // RATE_LIMITS off: a warm container would count alone; the edge limits (docs/rate-limits.md).
    environment: { TABLE_NAME: context.tableName, ISSUER: context.issuer, RATE_LIMITS: 'off' },
    nativeModules: route.hashesPasswords === true,
  });
}

/**
 * Copies the native addon and its Linux x64 binary into the bundle's node_modules, where the
 * bundle's `import '@node-rs/argon2'` resolves at runtime. Checked up front so a missing package
 * fails synth with a message, not a deployed function with "Cannot find module".
 */
function shipNativeModules(): ICommandHooks {
  const installed = SHIPPED_PACKAGES.map((name) => ({ name, version: installedVersion(name) }));
  // The addon pins its binary to its own exact version; a mismatch means a stale or hand-added binary.
  if (new Set(installed.map((p) => p.version)).size > 1) {
    const found = installed.map((p) => `${p.name}@${p.version}`).join(', ');
    throw new Error(`Native addon and binary versions differ (${found}); reinstall them together`);
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      `mkdir -p "${outputDir}/node_modules/@node-rs"`,
      ...SHIPPED_PACKAGES.map((name) => `cp -r "${inputDir}/node_modules/${name}" "${outputDir}/node_modules/${name}"`),
    ],
  };
}

function installedVersion(name: string): string {
  const manifest = join(PROJECT_ROOT, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) {
    throw new Error(
      `${name} is missing from node_modules, but the Lambda bundle needs it (x86_64 Linux, glibc). ` +
        `On another platform, add it with: npm install --no-save --os=linux --cpu=x64 --libc=glibc ${name}`,
    );
  }
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** 'users-by-email' -> 'UsersByEmail', for construct ids (and so stable logical ids). */
export function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __: string, c: string) => c.toUpperCase());
}
