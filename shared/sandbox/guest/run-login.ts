import type { ActionScript, LoginExtensionInput, LoginExtensionOutput, MetadataPatch } from '#shared/sandbox/contract';
import type { JsonValue } from '#shared/platform/json';
import { ACTION_SOURCE, RULES_SOURCE } from '#shared/sandbox/guest/guest-source';
import { LogCollector } from '#shared/sandbox/guest/logs';
import type { NetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { failureOutput, guestOutput } from '#shared/sandbox/guest/outcome';
import { isAbandoned, quickJS } from '#shared/sandbox/guest/quickjs';
import { runContext } from '#shared/sandbox/guest/run-context';
import { LoginSession, type LoginCounters } from '#shared/sandbox/guest/session';
import { log } from '#shared/platform/log';

/**
 * Runs one login's rules, then its actions, in QuickJS. The rules share one context (as they
 * share a realm on Auth0); each action runs in a fresh context of its own that receives only JSON
 * (the user, the metadata patches and claims so far, its own secrets) and reports JSON, which
 * the host checks and passes on in order. Never throws: every way guest code can fail ends in an
 * `error` outcome naming the rule or action.
 *
 * The options are plain data (structured-cloneable), so a caller may pass them to a worker.
 */
export type SandboxOptions = NetworkPolicy;

/** The Lambda response limit is 6 MB; a result must fit with room for logs. */
export const MAX_REPORT_CHARS = 4 * 1024 * 1024;

/** What one context hands the next: JSON only, checked by the host on the way (outcome.ts). */
interface LoginState {
  patches: { user: MetadataPatch | null; app: MetadataPatch | null };
  claims: { id: Record<string, JsonValue>; access: Record<string, JsonValue> };
}

interface Stage {
  source: string;
  input: (state: LoginState) => object;
}

export async function runLogin(input: LoginExtensionInput, options: SandboxOptions): Promise<LoginExtensionOutput> {
  const logs = new LogCollector();
  const counters: LoginCounters = { fetches: 0 };
  let session: LoginSession | undefined;
  let state: LoginState = { patches: { user: null, app: null }, claims: { id: {}, access: {} } };
  let output: LoginExtensionOutput = { outcome: 'allow', idTokenClaims: {}, accessTokenClaims: {}, logs: [] };
  try {
    // The budget starts once the interpreter is ready: loading it (once per cold start) is ours.
    let quickjs = await quickJS();
    const deadline = performance.now() + input.limits.totalMs;
    for (const stage of stagesOf(input)) {
      session = new LoginSession(deadline, options, logs, counters);
      // A context cut off hard abandons the instance: the next one loads anew. Only then is there
      // an await here, so concurrent logins cannot spend this one's budget before its first context.
      if (isAbandoned(quickjs)) quickjs = await quickJS();
      await runContext(quickjs, session, stage.source, JSON.stringify(stage.input(state)), input.limits.memoryBytes);
      output = outputOf(session, input, logs);
      if (output.outcome !== 'allow') return output;
      state = stateAfter(output);
    }
    return output;
  } catch (error) {
    // Guest code cannot get here (it ends in an outcome): the wasm or the host failed.
    log.error('rules sandbox failed', { error: error instanceof Error ? error.name : 'unknown' });
    return failureOutput({ kind: 'crashed', step: session?.step ?? null, message: '' }, input.limits, logs.lines);
  }
}

/** The rules (if any) in one context, then one context per action; a login with neither runs nothing. */
function stagesOf(input: LoginExtensionInput): Stage[] {
  const { user, context, domain } = input;
  const rules: Stage[] = input.rules.length
    ? [{ source: RULES_SOURCE, input: (s) => ({ ...s, user, context, domain, configuration: input.configuration, rules: input.rules }) }]
    : [];
  // Actions do not see rules-configs (`configuration`): on Auth0 they are a rules feature.
  const action = (a: ActionScript): Stage => ({
    source: ACTION_SOURCE,
    input: (s) => ({ ...s, user, context, domain, configuration: {}, action: a }),
  });
  return [...rules, ...input.actions.map(action)];
}

function stateAfter(output: LoginExtensionOutput & { outcome: 'allow' }): LoginState {
  return {
    patches: { user: output.userMetadata ?? null, app: output.appMetadata ?? null },
    claims: { id: output.idTokenClaims, access: output.accessTokenClaims },
  };
}

function outputOf(session: LoginSession, input: LoginExtensionInput, logs: LogCollector): LoginExtensionOutput {
  if (session.failure) return failureOutput(session.failure, input.limits, logs.lines);
  const report = session.report ?? '';
  if (report.length > MAX_REPORT_CHARS) {
    const failure = { kind: 'too-large' as const, step: session.step, message: `${MAX_REPORT_CHARS} characters` };
    return failureOutput(failure, input.limits, logs.lines);
  }
  return guestOutput(report, input.limits, logs.lines);
}
