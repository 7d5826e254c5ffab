import type { QuickJSContext, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { HardDeadlineError, withHardDeadline } from '#shared/sandbox/guest/hard-deadline';
import { abandonQuickJS, isAbandoned } from '#shared/sandbox/guest/quickjs';
import type { LoginSession } from '#shared/sandbox/guest/session';
import { log } from '#shared/platform/log';

/**
 * Runs one guest program (the rules, or one action) in a QuickJS runtime and context of its own,
 * freed before returning: nothing a rule leaves behind (objects, prototype changes, queued jobs,
 * timers) exists when an action starts. A runtime costs about as much as a context (see
 * docs/sandbox-isolation-and-network.md), and its own heap and job queue are the stronger wall.
 * What the guest reported, or why it could not, is left in `session`.
 */

/**
 * The interpreter's stack limit. QuickJS frames also use the host's (V8's) stack, about twice
 * as much; 256 KiB keeps deep recursion a catchable "stack overflow" with room to spare inside
 * Node's default ~1 MB stack, where 512 KiB already overflowed the host.
 */
const STACK_BYTES = 256 * 1024;
/** How long past the budget a call into QuickJS may run before it is cut off hard (hard-deadline.ts). */
const HARD_STOP_GRACE_MS = 100;

/** The wasm instance was abandoned (by this login or a concurrent one): stop using it. */
class AbandonedError extends Error {}

export async function runContext(
  quickjs: QuickJSWASMModule,
  session: LoginSession,
  source: string,
  inputJson: string,
  memoryBytes: number,
): Promise<void> {
  const runtime = quickjs.newRuntime();
  let context: QuickJSContext | undefined;
  const guarded = <T>(task: () => T): T => {
    if (isAbandoned(quickjs)) throw new AbandonedError();
    return withHardDeadline(session.deadline + HARD_STOP_GRACE_MS, task);
  };
  try {
    runtime.setMemoryLimit(memoryBytes);
    runtime.setMaxStackSize(STACK_BYTES);
    runtime.setInterruptHandler(session.interruptHandler);
    context = runtime.newContext();
    const ready = context;
    guarded(() => start(ready, session, source, inputJson));
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
    if (usable) shrink(quickjs);
  }
}

/**
 * A wasm memory never shrinks: after guest code grew it far (a memory bomb stopped at the cap,
 * quickjs.ts), the next login loads a new instance and this one's memory is left to the garbage
 * collector, so a worker or a warm runner does not keep hundreds of MiB for good.
 */
const RELOAD_ABOVE_BYTES = 128 * 1024 * 1024;

function shrink(quickjs: QuickJSWASMModule): void {
  if (quickjs.getWasmMemory().buffer.byteLength <= RELOAD_ABOVE_BYTES) return;
  abandonQuickJS(quickjs);
  log.warn('rules sandbox memory grew past its reload threshold; reloading QuickJS', { mib: RELOAD_ABOVE_BYTES / 1024 / 1024 });
}

/** Compiles the guest program and calls it with the bridge and the input; guest code starts here. */
function start(context: QuickJSContext, session: LoginSession, source: string, inputJson: string): void {
  const compiled = context.evalCode(source, 'runner.js');
  if (compiled.error) {
    session.escaped(context, compiled.error);
    compiled.error.dispose();
    return;
  }
  const program = compiled.value;
  const bridge = session.bridge(context);
  const json = context.newString(inputJson);
  const called = context.callFunction(program, context.undefined, bridge, json);
  for (const handle of [program, bridge, json]) handle.dispose();
  if (called.error) session.escaped(context, called.error);
  (called.error ?? called.value).dispose();
}

/**
 * The context's event loop: run queued jobs, then wait for host work (fetch, timers) until the
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
    // A custom database script's report waits for the jobs queued before it, to see a second callback.
    if (session.done && !session.drainsJobs) return;
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
