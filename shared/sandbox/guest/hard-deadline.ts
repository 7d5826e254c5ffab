import { createContext, Script } from 'node:vm';

/**
 * A hard stop for one synchronous call into QuickJS. The interrupt handler (session.ts) is the
 * normal way a login's time budget ends, but QuickJS polls it only every ~10,000 loop iterations
 * or calls, and one iteration of a built-in over a large string or array can take milliseconds:
 * measured, a 3 s budget ended after 19.5 s. Node's vm timeout runs the call under a watchdog
 * thread that terminates V8 execution, wasm included. That leaves the wasm instance in an unknown
 * state, so the caller abandons it (see run-context.ts). Cost: ~0.15 ms per guarded call, for the
 * watchdog thread; a context (the rules, or one action) makes two or three.
 */
export class HardDeadlineError extends Error {
  override readonly name = 'HardDeadlineError';
}

const realm = createContext({ task: undefined as (() => unknown) | undefined });
const script = new Script('task()');

export function withHardDeadline<T>(deadline: number, task: () => T): T {
  const timeout = Math.max(1, Math.ceil(deadline - performance.now()));
  realm.task = task;
  try {
    return script.runInContext(realm, { timeout }) as T;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new HardDeadlineError();
    throw error;
  } finally {
    realm.task = undefined;
  }
}
