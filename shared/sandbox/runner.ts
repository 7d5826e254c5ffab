import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from '#shared/platform/config';
import type { CustomDbOutput, ExtensionFailure, ExtensionInput, ExtensionOutput, ExtensionsRunner, LoginExtensionOutput, RegistrationExtensionOutput } from '#shared/sandbox/contract';
import type { WorkerPool } from '#shared/sandbox/pool/worker-pool';
import { sandboxNetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { log } from '#shared/platform/log';
import { isPlainObject } from '#shared/platform/json';

/**
 * The runner for this environment: the rules-runner Lambda when RULES_RUNNER_FUNCTION_NAME is set
 * (AWS), else the same sandbox in-process (local). Chosen once per cold start.
 */
let runner: ExtensionsRunner | undefined;

export function extensionsRunner(): ExtensionsRunner {
  const functionName = config.RULES_RUNNER_FUNCTION_NAME;
  runner ??= functionName ? lambdaRunner(functionName, new LambdaClient({})) : inProcessRunner();
  return runner;
}

/**
 * The sandbox on a pool of worker threads (pool/worker-pool.ts), so a rule that spins cannot
 * stall the server's main thread. Loaded on first use, so a token Lambda that invokes the runner
 * never evaluates QuickJS. Rules reach what they reach in the rules-runner Lambda: global unicast
 * addresses plus EXTENSIONS_ALLOW_HOSTS, never a metadata address (sandbox/network-policy.ts).
 */
function inProcessRunner(): ExtensionsRunner {
  // Lambda bundles define this constant, so esbuild drops the sandbox from every function but the
  // runner's own; a deployed function without the runner's name is a configuration error.
  if (process.env.BUNDLED_FOR_LAMBDA === 'true') {
    throw new Error('RULES_RUNNER_FUNCTION_NAME must be set where rules run in Lambda');
  } else {
    const started = () =>
      (pool ??= import('#shared/sandbox/pool/worker-pool').then(
        ({ WorkerPool }) =>
          new WorkerPool({
            size: config.EXTENSIONS_WORKERS,
            maxQueued: config.EXTENSIONS_QUEUE_LIMIT,
            // The sandbox's options, as plain data: every worker gets a structured clone.
            sandboxOptions: sandboxNetworkPolicy(),
          }),
      ));
    return {
      run: async (input) => (await started()).run(input),
      register: async (input) => (await started()).register(input),
      customDb: async (input) => (await started()).customDb(input),
    };
  }
}

let pool: Promise<WorkerPool> | undefined;

/** The in-process worker pool, once a login has started it (the benchmark waits for its workers). */
export function inProcessPool(): Promise<WorkerPool> | undefined {
  return pool;
}

/** The caller sees only this: what went wrong inside the runner's invocation stays in our logs. */
export const RUNNER_FAILED = 'The rules runner failed';
/** Beyond the budget the runner enforces itself: a cold start of the runner and the round trip. */
const INVOKE_MARGIN_MS = 5_000;

type InvokeClient = Pick<LambdaClient, 'send'>;

export function lambdaRunner(functionName: string, client: InvokeClient): ExtensionsRunner {
  return {
    run: (input) => invoke(client, functionName, input, isOutput),
    register: (input) => invoke(client, functionName, input, isRegistrationOutput),
    customDb: (input) => invoke(client, functionName, input, isCustomDbOutput),
  };
}

/** One invocation of the runner Lambda; any failure of the invocation itself is one opaque error. */
async function invoke<O extends ExtensionOutput>(
  client: InvokeClient,
  functionName: string,
  input: ExtensionInput,
  isExpected: (v: unknown) => v is O,
): Promise<O | ExtensionFailure> {
  try {
    const result = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(input)),
      }),
      { abortSignal: AbortSignal.timeout(input.limits.totalMs + INVOKE_MARGIN_MS) },
    );
    if (result.FunctionError) {
      log.error('rules runner failed', { functionError: result.FunctionError });
      return failed();
    }
    const output: unknown = JSON.parse(new TextDecoder().decode(result.Payload));
    if (isExpected(output)) return output;
    log.error('rules runner returned an unexpected payload');
  } catch (error) {
    log.error('rules runner could not be invoked', { error: error instanceof Error ? error.name : 'unknown' });
  }
  return failed();
}

function failed(): ExtensionFailure {
  return { outcome: 'error', error: RUNNER_FAILED, source: 'rules-runner', logs: [] };
}

/** The shape only; the token endpoint validates the contents (metadata and claim rules) as for any runner. */
function isOutput(v: unknown): v is LoginExtensionOutput {
  if (!isPlainObject(v) || !Array.isArray(v.logs)) return false;
  if (v.outcome === 'error') return typeof v.error === 'string' && typeof v.source === 'string';
  if (v.outcome !== 'allow' && v.outcome !== 'deny') return false;
  if (v.outcome === 'deny' && typeof v.reason !== 'string') return false;
  const optional = (x: unknown) => x === undefined || isPlainObject(x);
  return isPlainObject(v.idTokenClaims) && isPlainObject(v.accessTokenClaims) && optional(v.userMetadata) && optional(v.appMetadata);
}

/** The shape only; the caller checks the value a script called back with (shared/sandbox/custom-db/). */
function isCustomDbOutput(v: unknown): v is CustomDbOutput {
  if (!isPlainObject(v) || !Array.isArray(v.logs)) return false;
  switch (v.outcome) {
    case 'error':
      return typeof v.error === 'string' && typeof v.source === 'string';
    case 'done':
      return 'value' in v;
    case 'refused':
      return isPlainObject(v.error) && typeof v.error.name === 'string' && typeof v.error.message === 'string';
    default:
      return false;
  }
}

/** The shape only; the signup validates the metadata (registration.ts) as for any runner. */
function isRegistrationOutput(v: unknown): v is RegistrationExtensionOutput {
  if (!isPlainObject(v) || !Array.isArray(v.logs)) return false;
  const optional = (x: unknown) => x === undefined || typeof x === 'string';
  switch (v.outcome) {
    case 'error':
      return typeof v.error === 'string' && typeof v.source === 'string';
    case 'invalid':
      return typeof v.code === 'string' && typeof v.message === 'string';
    case 'deny':
      return typeof v.reason === 'string' && optional(v.userMessage);
    case 'allow':
      return (v.userMetadata === undefined || isPlainObject(v.userMetadata)) && (v.appMetadata === undefined || isPlainObject(v.appMetadata));
    default:
      return false;
  }
}
