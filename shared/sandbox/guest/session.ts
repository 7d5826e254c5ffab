import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from 'quickjs-emscripten-core';
import { hostFetch, type GuestRequest } from '#shared/sandbox/guest/host-fetch';
import type { LogCollector } from '#shared/sandbox/guest/logs';
import type { NetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { callModule, callModuleAsync, ModuleError, type ModuleResult } from '#shared/sandbox/guest/modules/host-modules';
import type { Failure, FailureKind, Step } from '#shared/sandbox/guest/outcome';

/**
 * The host side of a login's guest code: the bridge functions the guest calls (log, enter, finish,
 * fetch, sleep, cancel; call, task and twice for custom database scripts), the host work it is
 * waiting for, and the deadline. Host work is bounded per login (or script call) so a rule cannot
 * turn the runner into a traffic generator or pile up timers.
 */
export const MAX_FETCHES = 50;
export const MAX_TIMERS = 1000;
/** Module operations (bcrypt, crypto) a script may have waiting at once; they run one at a time. */
export const MAX_MODULE_TASKS = 100;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Timer {
  handle: NodeJS.Timeout;
  fire: (fired: boolean) => void;
}

/** What one login's contexts count together: the fetch limit is per login, not per context. */
export interface LoginCounters {
  fetches: number;
}

/**
 * The host side of one QuickJS context of a login (the rules', or one action's). Contexts run one
 * after another and share the login's deadline, logs and counters.
 */
export class LoginSession {
  step: Step | null = null;
  /** Run the jobs already queued when the guest reports, before ending (custom database scripts). */
  drainsJobs = false;
  failure: Failure | undefined;
  report: string | undefined;
  private interrupted = false;
  private closed = false;
  private opIds = 0;
  private readonly ops = new Map<number, QuickJSDeferredPromise>();
  private readonly timers = new Map<number, Timer>();
  private readonly abort = new AbortController();
  private woken = false;
  private wakeWaiter: (() => void) | undefined;
  private moduleTasks = 0;
  private moduleQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly deadline: number,
    private readonly policy: NetworkPolicy,
    private readonly logs: LogCollector,
    private readonly counters: LoginCounters = { fetches: 0 },
  ) {}

  get done(): boolean {
    return this.failure !== undefined || this.report !== undefined;
  }

  get hasPendingWork(): boolean {
    return this.ops.size > 0;
  }

  expired(): boolean {
    return performance.now() >= this.deadline;
  }

  /** QuickJS polls this while guest code runs, to stop `while (true) {}` (hard-deadline.ts is the backstop). */
  readonly interruptHandler = (): boolean => {
    if (!this.expired()) return false;
    this.interrupted = true;
    return true;
  };

  fail(kind: FailureKind, message = ''): void {
    if (!this.done) this.failure = { kind, step: this.step, message };
  }

  /** An exception that escaped the guest program: the interrupt (budget), memory, or a bug. */
  escaped(context: QuickJSContext, error: QuickJSHandle): void {
    if (this.interrupted) return this.fail('timeout');
    const text = describe(context, error);
    this.fail(/out of memory/.test(text) ? 'memory' : 'threw', text);
  }

  /** The guest's bridge, as one object passed to the guest program (never a global). */
  bridge(context: QuickJSContext): QuickJSHandle {
    const str = (h: QuickJSHandle | undefined) => (h === undefined ? '' : context.getString(h));
    const num = (h: QuickJSHandle | undefined) => (h === undefined ? 0 : context.getNumber(h));
    const fns: Record<string, (...args: QuickJSHandle[]) => QuickJSHandle | undefined> = {
      log: (source, level, message) => void this.logs.add(str(source), str(level), str(message)),
      enter: (kind, name) => void (this.step = { kind: stepKind(str(kind)), name: str(name) }),
      finish: (json) => void (this.report ??= str(json)),
      fetch: (request) => this.fetch(context, str(request)),
      sleep: (id, ms) => this.sleep(context, num(id), num(ms)),
      cancel: (id) => void this.timers.get(num(id))?.fire(false),
      // Custom database scripts: their modules' host calls, and a second callback.
      call: (op, args) => toGuest(context, moduleCall(() => callModule(str(op), JSON.parse(str(args))))),
      task: (op, args) => this.moduleTask(context, str(op), str(args)),
      twice: () => void this.twice(),
    };
    const bridge = context.newObject();
    for (const [name, fn] of Object.entries(fns)) context.newFunction(name, fn).consume((f) => context.setProp(bridge, name, f));
    return bridge;
  }

  private fetch(context: QuickJSContext, requestJson: string): QuickJSHandle {
    if (this.counters.fetches >= MAX_FETCHES) throw new Error(`a login may make at most ${MAX_FETCHES} fetch calls`);
    this.counters.fetches += 1;
    const request = JSON.parse(requestJson) as GuestRequest;
    return this.track(
      context,
      hostFetch(request, this.policy, this.abort.signal),
      (response) => context.newString(JSON.stringify(response)),
      (error) => context.newError({ name: 'TypeError', message: `fetch failed: ${reason(error)}` }),
    );
  }

  /**
   * A module's asynchronous form. They run one at a time, and never after the run ended: a
   * bcrypt call is CPU work that cannot be cancelled once started (modules/host-modules.ts).
   */
  private moduleTask(context: QuickJSContext, op: string, argsJson: string): QuickJSHandle {
    if (this.moduleTasks >= MAX_MODULE_TASKS) throw new Error(`a script may have at most ${MAX_MODULE_TASKS} module calls waiting`);
    this.moduleTasks += 1;
    const args: unknown = JSON.parse(argsJson);
    const work = this.moduleQueue.then(() => {
      if (this.closed || this.expired()) throw new ModuleError('Error', 'the time budget ran out before the call started');
      return callModuleAsync(op, args);
    });
    this.moduleQueue = work.catch(() => undefined);
    const done = work.finally(() => (this.moduleTasks -= 1));
    return this.track(
      context,
      done,
      (result) => toGuest(context, result),
      (error) => context.newError(moduleError(error)),
    );
  }

  /** A script called back a second time: whatever the first call reported, the run fails. */
  private twice(): void {
    if (this.failure) return;
    this.report = undefined;
    this.fail('twice');
  }

  private sleep(context: QuickJSContext, id: number, ms: number): QuickJSHandle {
    if (this.timers.size >= MAX_TIMERS) throw new Error(`a login may have at most ${MAX_TIMERS} pending timers`);
    const fired = new Promise<boolean>((resolve) => {
      const delay = Math.min(Math.max(0, Number.isFinite(ms) ? ms : 0), MAX_TIMER_MS);
      const handle = setTimeout(() => resolve(true), delay);
      this.timers.set(id, { handle, fire: (value) => (clearTimeout(handle), resolve(value)) });
    });
    const done = fired.finally(() => this.timers.delete(id));
    return this.track(context, done, (value) => context.newNumber(value ? 1 : 0), () => context.newError('timer failed'));
  }

  /** A guest promise settled by host work; its settling wakes the event loop (see run-context.ts). */
  private track<T>(
    context: QuickJSContext,
    work: Promise<T>,
    ok: (value: T) => QuickJSHandle,
    err: (error: unknown) => QuickJSHandle,
  ): QuickJSHandle {
    const deferred = context.newPromise();
    const id = (this.opIds += 1);
    this.ops.set(id, deferred);
    const settle = (make: () => QuickJSHandle, how: 'resolve' | 'reject') => {
      if (this.closed || !this.ops.delete(id)) return;
      try {
        make().consume((value) => deferred[how](value));
      } catch (error) {
        // Allocating the result inside a full heap is the usual cause.
        this.fail(/memory/i.test(String(error)) ? 'memory' : 'crashed');
      } finally {
        deferred.dispose();
        this.wake();
      }
    };
    work.then(
      (value) => settle(() => ok(value), 'resolve'),
      (error: unknown) => settle(() => err(error), 'reject'),
    );
    return deferred.handle;
  }

  private wake(): void {
    this.woken = true;
    this.wakeWaiter?.();
  }

  /** Resolves when host work settles or the deadline passes, whichever is first. */
  waitForHost(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.woken || this.closed) return resolve();
      const timer = setTimeout(() => this.wakeWaiter?.(), Math.max(0, this.deadline - performance.now()) + 1);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        this.wakeWaiter = undefined;
        resolve();
      };
    }).finally(() => {
      this.woken = false;
    });
  }

  /**
   * Stops all host work and, unless the wasm instance is being abandoned, frees every handle the
   * host holds (this must happen before the context is freed).
   */
  close(freeHandles: boolean): void {
    this.closed = true;
    this.abort.abort();
    for (const timer of this.timers.values()) clearTimeout(timer.handle);
    this.timers.clear();
    this.wakeWaiter?.();
    const deferreds = [...this.ops.values()];
    this.ops.clear();
    if (freeHandles) for (const deferred of deferreds) deferred.dispose();
  }
}

function stepKind(kind: string): Step['kind'] {
  return kind === 'action' || kind === 'script' ? kind : 'rule';
}

/** What a script sees of a host error: a name and a message, never a host stack. */
function moduleError(error: unknown): ModuleError {
  if (error instanceof ModuleError) return error;
  return new ModuleError('Error', (error instanceof Error ? error.message : String(error)).slice(0, 300));
}

/** Bytes as an ArrayBuffer (no copy through a string), anything else as JSON text. */
function toGuest(context: QuickJSContext, result: ModuleResult): QuickJSHandle {
  if ('bytes' in result) {
    const { buffer, byteOffset, byteLength } = result.bytes;
    return context.newArrayBuffer(buffer.slice(byteOffset, byteOffset + byteLength));
  }
  return context.newString(JSON.stringify(result));
}

function moduleCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw moduleError(error);
  }
}

function describe(context: QuickJSContext, error: QuickJSHandle): string {
  try {
    const value: unknown = context.dump(error);
    if (typeof value === 'object' && value !== null && 'message' in value) {
      const { name, message } = value as { name?: unknown; message?: unknown };
      return `${typeof name === 'string' ? name : 'Error'}: ${String(message)}`;
    }
    return String(value);
  } catch {
    return 'an error that cannot be described';
  }
}

/** Why a fetch failed, in words a rule author can act on (no host stack traces). */
function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'the login ended before the response arrived';
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 300);
}
