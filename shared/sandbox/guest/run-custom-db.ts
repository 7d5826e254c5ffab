import type { CustomDbInput, CustomDbOutput } from '#shared/sandbox/contract';
import type { SandboxOptions } from '#shared/sandbox/guest/run-login';

/** PLACEHOLDER (issue 13, being built): runs one custom database script call in QuickJS. */
export async function runCustomDb(input: CustomDbInput, _options: SandboxOptions): Promise<CustomDbOutput> {
  return { outcome: 'error', error: `Script '${input.script}' cannot run yet`, source: input.script, logs: [] };
}
