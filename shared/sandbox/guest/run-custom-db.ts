import type { CustomDbInput, CustomDbOutput } from '#shared/sandbox/contract';
import { customDbOutput } from '#shared/sandbox/guest/custom-db-outcome';
import { CUSTOM_DB_SOURCE } from '#shared/sandbox/guest/guest-source';
import { LogCollector } from '#shared/sandbox/guest/logs';
import { failureOutput } from '#shared/sandbox/guest/outcome';
import { quickJS } from '#shared/sandbox/guest/quickjs';
import { runContext } from '#shared/sandbox/guest/run-context';
import { MAX_REPORT_CHARS, type SandboxOptions } from '#shared/sandbox/guest/run-login';
import { LoginSession } from '#shared/sandbox/guest/session';
import { log } from '#shared/platform/log';

/**
 * Runs one call of one custom database script in a fresh QuickJS runtime and context of its own,
 * with the isolation, budget, memory cap, fetch and timer limits of a login's rules (run-login.ts)
 * and the modules scripts may require (guest-modules.ts). Nothing is kept between calls: `global`
 * is new every time. Never throws: every way the script can fail ends in an `error` outcome
 * naming the script.
 */
export async function runCustomDb(input: CustomDbInput, options: SandboxOptions): Promise<CustomDbOutput> {
  const logs = new LogCollector();
  const step = { kind: 'script' as const, name: String(input.script) };
  let session: LoginSession | undefined;
  try {
    const quickjs = await quickJS();
    // The budget starts once the interpreter is ready: loading it (once per cold start) is ours.
    session = new LoginSession(performance.now() + input.limits.totalMs, options, logs);
    // Named from the start, so a failure before the script runs (memory, a crash) names it too.
    session.step = step;
    // A second callback in a promise job queued before the first callback's report still counts.
    session.drainsJobs = true;
    const guestInput = {
      script: input.script,
      source: input.source,
      args: input.args,
      configuration: input.configuration,
      // The shared guest runtime reads these; a script has no user or metadata patches of its own.
      patches: { user: null, app: null },
      user: {},
      domain: '',
    };
    await runContext(quickjs, session, CUSTOM_DB_SOURCE, JSON.stringify(guestInput), input.limits.memoryBytes);
    return outputOf(session, input, logs);
  } catch (error) {
    // Script code cannot get here (it ends in an outcome): the wasm or the host failed.
    log.error('custom database sandbox failed', { error: error instanceof Error ? error.name : 'unknown' });
    return failureOutput({ kind: 'crashed', step, message: '' }, input.limits, logs.lines);
  }
}

function outputOf(session: LoginSession, input: CustomDbInput, logs: LogCollector): CustomDbOutput {
  if (session.failure) return failureOutput(session.failure, input.limits, logs.lines);
  const report = session.report ?? '';
  if (report.length > MAX_REPORT_CHARS) {
    return failureOutput({ kind: 'too-large', step: session.step, message: `${MAX_REPORT_CHARS} characters` }, input.limits, logs.lines);
  }
  return customDbOutput(report, input.limits, logs.lines);
}
