import type { MetadataPatch, RegistrationExtensionInput, RegistrationExtensionOutput } from '#shared/sandbox/contract';
import { REGISTRATION_SOURCE } from '#shared/sandbox/guest/guest-source';
import { LogCollector } from '#shared/sandbox/guest/logs';
import { failureOutput } from '#shared/sandbox/guest/outcome';
import { isAbandoned, quickJS } from '#shared/sandbox/guest/quickjs';
import { registrationOutput } from '#shared/sandbox/guest/registration-outcome';
import { runContext } from '#shared/sandbox/guest/run-context';
import { MAX_REPORT_CHARS, type SandboxOptions } from '#shared/sandbox/guest/run-login';
import { LoginSession, type LoginCounters } from '#shared/sandbox/guest/session';
import { log } from '#shared/platform/log';

/**
 * Runs one signup's pre-user-registration actions in QuickJS, in binding order, each in a fresh
 * context of its own with the same isolation, budget, memory cap, fetch and timer limits as a
 * login's actions (run-login.ts): one budget for all of them, JSON only between contexts (the
 * metadata patches so far). The first action that refuses (validation error or deny) or fails
 * ends the run; later actions do not start. Never throws.
 */
interface Patches {
  user: MetadataPatch | null;
  app: MetadataPatch | null;
}

export async function runRegistration(input: RegistrationExtensionInput, options: SandboxOptions): Promise<RegistrationExtensionOutput> {
  const logs = new LogCollector();
  const counters: LoginCounters = { fetches: 0 };
  let session: LoginSession | undefined;
  let patches: Patches = { user: null, app: null };
  let output: RegistrationExtensionOutput = { outcome: 'allow', logs: [] };
  try {
    let quickjs = await quickJS();
    const deadline = performance.now() + input.limits.totalMs;
    for (const action of input.actions) {
      session = new LoginSession(deadline, options, logs, counters);
      if (isAbandoned(quickjs)) quickjs = await quickJS();
      const stage = {
        patches,
        action,
        user: input.user,
        client: input.client,
        connection: input.connection,
        request: input.request,
        transaction: input.transaction,
        tenant: input.tenant,
        // The shared guest runtime reads these; actions get no rules-configs.
        configuration: {},
        domain: input.request.hostname,
      };
      await runContext(quickjs, session, REGISTRATION_SOURCE, JSON.stringify(stage), input.limits.memoryBytes);
      output = outputOf(session, input, logs);
      if (output.outcome !== 'allow') return output;
      patches = { user: output.userMetadata ?? null, app: output.appMetadata ?? null };
    }
    return { ...output, logs: logs.lines };
  } catch (error) {
    log.error('rules sandbox failed', { error: error instanceof Error ? error.name : 'unknown' });
    return failureOutput({ kind: 'crashed', step: session?.step ?? null, message: '' }, input.limits, logs.lines);
  }
}

function outputOf(session: LoginSession, input: RegistrationExtensionInput, logs: LogCollector): RegistrationExtensionOutput {
  if (session.failure) return failureOutput(session.failure, input.limits, logs.lines);
  const report = session.report ?? '';
  if (report.length > MAX_REPORT_CHARS) {
    return failureOutput({ kind: 'too-large', step: session.step, message: `${MAX_REPORT_CHARS} characters` }, input.limits, logs.lines);
  }
  return registrationOutput(report, input.limits, logs.lines);
}
