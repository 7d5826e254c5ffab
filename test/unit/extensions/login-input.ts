import type { ActionScript, LoginExtensionInput, RuleScript } from '#shared/sandbox/contract';
import { sandboxNetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { runLogin, type SandboxOptions } from '#shared/sandbox/guest/run-login';

/** One login's input as the token endpoint builds it, with overrides per test. */
export function loginInput(overrides: Partial<LoginExtensionInput> = {}): LoginExtensionInput {
  return {
    rules: [],
    actions: [],
    configuration: {},
    user: {
      user_id: 'auth0|507f1f77bcf86cd799439020',
      email: 'jane@example.com',
      email_verified: true,
      name: 'Jane',
      user_metadata: { favorite_color: 'blue', preferred_contact: 'email' },
      app_metadata: { plan: 'free' },
    },
    context: {
      tenant: 'local',
      clientID: 'client-1',
      clientName: 'My App',
      clientMetadata: { tier: 'gold' },
      connection: 'Username-Password-Authentication',
      connectionID: 'con_1',
      connectionStrategy: 'auth0',
      protocol: 'oauth2-password',
      request: { ip: '203.0.113.7', userAgent: 'vitest', hostname: 'localhost:3000', query: {}, body: { grant_type: 'password' } },
      stats: { loginsCount: 4 },
      sessionID: 'session-1',
      authentication: { methods: [{ name: 'pwd', timestamp: 1_700_000_000_000 }] },
      audience: 'https://api.example.com/',
      scope: ['openid', 'profile'],
    },
    domain: 'localhost:3000',
    limits: { totalMs: 5_000, memoryBytes: 32 * 1024 * 1024 },
    ...overrides,
  };
}

export const rule = (name: string, script: string): RuleScript => ({ id: `rul_${name}`, name, script });

export const action = (name: string, code: string, secrets: Record<string, string> = {}): ActionScript => ({
  id: `act_${name}`,
  name,
  code,
  secrets,
});

/**
 * Runs in-process under the default network policy (global unicast only, no allow-list); tests
 * that fetch from their own server on 127.0.0.1 pass `allowingHosts([...])` for it.
 */
export function run(overrides: Partial<LoginExtensionInput> = {}, options: SandboxOptions = sandboxNetworkPolicy({})) {
  return runLogin(loginInput(overrides), options);
}

/** Runs and measures wall time, for the tests that promise an outcome well within the budget. */
export async function timed(overrides: Partial<LoginExtensionInput>, options?: SandboxOptions) {
  const started = performance.now();
  const output = await run(overrides, options);
  return { output, ms: performance.now() - started };
}
