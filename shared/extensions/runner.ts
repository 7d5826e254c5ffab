import type { ExtensionsRunner } from '#shared/extensions/contract';

/**
 * The runner for this environment: the rules-runner Lambda when RULES_RUNNER_FUNCTION_NAME is set
 * (AWS), else the same sandbox in-process (local). PLACEHOLDER until the sandbox lands.
 */
export function extensionsRunner(): ExtensionsRunner {
  throw new Error('extensions runner not implemented yet');
}
