import type { CustomDbInput, CustomDbOutput, CustomDbScriptName } from '#shared/sandbox/contract';
import type { JsonValue } from '#shared/platform/json';
import { runCustomDb } from '#shared/sandbox/guest/run-custom-db';
import { sandboxNetworkPolicy, type NetworkPolicy } from '#shared/sandbox/guest/network-policy';

/** One custom database script call as the custom-db wrapper builds it, with overrides per test. */
export function customDbInput(
  script: CustomDbScriptName,
  source: string,
  args: JsonValue[],
  overrides: Partial<CustomDbInput> = {},
): CustomDbInput {
  return {
    trigger: 'custom-db',
    script,
    source,
    args,
    configuration: { BASE_URL: 'http://legacy.invalid', API_KEY: 'k' },
    connection: { id: 'con_legacy', name: 'legacy-db' },
    limits: { totalMs: 5_000, memoryBytes: 32 * 1024 * 1024 },
    ...overrides,
  };
}

/** Runs one call in-process (the runner Lambda's path) with no network allowed unless given. */
export function runScript(
  script: CustomDbScriptName,
  source: string,
  args: JsonValue[],
  policy: NetworkPolicy = sandboxNetworkPolicy({}),
  overrides: Partial<CustomDbInput> = {},
): Promise<CustomDbOutput> {
  return runCustomDb(customDbInput(script, source, args, overrides), policy);
}

export const failed = (script: string, error: string) => ({ outcome: 'error', error, source: script, logs: [] });
