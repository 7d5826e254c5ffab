import type { ExtensionInput, ExtensionOutput } from '#shared/sandbox/contract';
import { sandboxNetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { runExtensions } from '#shared/sandbox/guest/run-extensions';
import { warmUp } from '#shared/sandbox/guest/warm-up';

/**
 * The rules-runner Lambda (not an HTTP route): invoked by the token Lambda with one login's rules,
 * actions and user, or by the signup Lambdas with one signup's pre-user-registration actions (the
 * input's `trigger` tells them apart), it returns what they want changed. It holds no table access
 * and no keys, and imports nothing that would (no config, no DynamoDB client), so a rule that
 * escaped the sandbox would still find nothing to take. Rules may fetch global unicast addresses
 * only, plus the operator's EXTENSIONS_ALLOW_HOSTS (read from this function's environment; a bad
 * entry fails init), and never the Lambda Runtime API on 127.0.0.1 or a cloud metadata address.
 */
const policy = sandboxNetworkPolicy();

// Load and exercise the interpreter during init, which Lambda runs at full CPU, not on a login.
await warmUp();

export const handler = (input: ExtensionInput): Promise<ExtensionOutput> => runExtensions(input, policy);
