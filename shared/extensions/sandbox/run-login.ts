import type { QuickJSContext, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { ExtensionsRunner, LoginExtensionInput, LoginExtensionOutput } from '#shared/extensions/contract';
import { GUEST_SOURCE } from '#shared/extensions/sandbox/guest-source';
import { HardDeadlineError, withHardDeadline } from '#shared/extensions/sandbox/hard-deadline';
import { LogCollector } from '#shared/extensions/sandbox/logs';
import type { NetworkPolicy } from '#shared/extensions/sandbox/network-policy';
import { failureOutput, guestOutput } from '#shared/extensions/sandbox/outcome';
import { abandonQuickJS, isAbandoned, quickJS } from '#shared/extensions/sandbox/quickjs';
import { LoginSession } from '#shared/extensions/sandbox/session';
import { log } from '#shared/log';

/**
 * Runs one login's rules, then its actions, in a fresh QuickJS runtime that is freed before
 * returning. Never throws: every way a rule can fail ends in an `error` outcome naming it.
 */
export type SandboxOptions = NetworkPolicy;

/**
 * The interpreter's stack limit. QuickJS frames also use the host's (V8's) stack, about twice
 * as much; 256 KiB keeps deep recursion a catchable "stack overflow" with room to spare inside
 * Node's default ~1 MB stack, where 512 KiB already overflowed the host.
 */
const STACK_BYTES = 256 * 1024;
/** The Lambda response limit is 6 MB; a result must fit with room for logs. */
const MAX_REPORT_CHARS = 4 * 1024 * 1024;
/** How long past the budget a call into QuickJS may run before it is cut off hard (hard-deadline.ts). */
const HARD_STOP_GRACE_MS = 100;

/** The wasm instance was abandoned (by this login or a concurrent one): stop using it. */
class AbandonedError extends Error {}

export function sandboxRunner(options: SandboxOptions): ExtensionsRunner {
  return { run: (input) => runLogin(input, options) };
}

export async function runLogin(input: LoginExtensionInput, options: SandboxOptions): Promise<LoginExtensionOutput> {
  const logs = new LogCollector();
  let session: LoginSession | undefined;
  try {
    const quickjs = await quickJS();
    // The budget starts once the interpreter is ready: loading it (once per cold start) is ours.
    session = new LoginSession(performance.now() + input.limits.totalMs, options, logs);
    await execute(quickjs, session, input);
    return outputOf(session, input, logs);
  } catch (error) {
    // Guest code cannot get here (it ends in an outcome): the wasm or the host failed.
    log.error('rules sandbox failed', { error: error instanceof Error ? error.name : 'unknown' });
    return failureOutput({ kind: 'crashed', step: session?.step ?? null, message: '' }, input.limits, logs.lines);
  }
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

async function execute(quickjs: QuickJSWASMModule, session: LoginSession, input: LoginExtensionInput): Promise<void> {
  const runtime = quickjs.newRuntime();
  let context: QuickJSContext | undefined;
  const guarded = <T>(task: () => T): T => {
    if (isAbandoned(quickjs)) throw new AbandonedError();
    return withHardDeadline(session.deadline + HARD_STOP_GRACE_MS, task);
  };
  try {
    runtime.setMemoryLimit(input.limits.memoryBytes);
    runtime.setMaxStackSize(STACK_BYTES);
    runtime.setInterruptHandler(session.interruptHandler);
    context = runtime.newContext();
    const ready = context;
    guarded(() => start(ready, session, input));
    await pump(runtime, ready, session, guarded);
  } catch (error) {
    if (error instanceof HardDeadlineError) {
      session.fail('timeout');
      abandonQuickJS(quickjs);
      log.warn('rules sandbox stopped at the hard deadline; reloading QuickJS', { source: session.step?.name });
    } else if (error instanceof AbandonedError) {
      session.fail('crashed');
    } else {
      abandonQuickJS(quickjs);
      throw error;
    }
  } finally {
    // An abandoned instance is left to the garbage collector: freeing into it could trap.
    const usable = !isAbandoned(quickjs);
    session.close(usable);
    if (usable) release(quickjs, runtime, context);
  }
}

/** Compiles the guest program and calls it with the bridge and the input; rule 1 starts here. */
function start(context: QuickJSContext, session: LoginSession, input: LoginExtensionInput): void {
  const compiled = context.evalCode(GUEST_SOURCE, 'runner.js');
  if (compiled.error) {
    session.escaped(context, compiled.error);
    compiled.error.dispose();
    return;
  }
  const program = compiled.value;
  const bridge = session.bridge(context);
  const json = context.newString(JSON.stringify(input));
  const called = context.callFunction(program, context.undefined, bridge, json);
  for (const handle of [program, bridge, json]) handle.dispose();
  if (called.error) session.escaped(context, called.error);
  (called.error ?? called.value).dispose();
}

/**
 * The login's event loop: run queued jobs, then wait for host work (fetch, timers) until the
 * guest reports an outcome. Nothing queued and nothing pending means the guest can never go on:
 * the rule did not call back (reported at once, not at the end of the budget).
 */
async function pump(
  runtime: QuickJSRuntime,
  context: QuickJSContext,
  session: LoginSession,
  guarded: <T>(task: () => T) => T,
): Promise<void> {
  for (;;) {
    if (session.done) return;
    if (session.expired()) return session.fail('timeout');
    const jobs = guarded(() => runtime.executePendingJobs());
    if (jobs.error) {
      session.escaped(context, jobs.error);
      jobs.error.dispose();
      return;
    }
    if (session.done) return;
    // An interrupt inside an async function becomes a rejection the guest may never see: the
    // budget ran out, whatever the guest is (not) waiting for.
    if (session.expired()) return session.fail('timeout');
    if (!session.hasPendingWork) return session.fail('stalled');
    await session.waitForHost();
  }
}

/** QuickJS asserts that nothing leaked when a runtime is freed; if that fails, reload the wasm. */
function release(quickjs: QuickJSWASMModule, runtime: QuickJSRuntime, context: QuickJSContext | undefined): void {
  try {
    context?.dispose();
    runtime.dispose();
  } catch (error) {
    log.error('rules sandbox runtime could not be freed; reloading QuickJS', {
      error: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
    });
    abandonQuickJS(quickjs);
  }
}
